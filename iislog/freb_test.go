package iislog_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/arrfarm/arrfarm/iislog"
	"github.com/arrfarm/arrfarm/internal/testgen"
)

// Expected values read off the files with grep (failedRequest attributes,
// GENERAL_REQUEST_END's HttpStatus/HttpSubStatus, grep -c '<Event ').
func TestCorpusTraces(t *testing.T) {
	for _, c := range []struct {
		file                string
		status, sub, events int
		url                 string
		win32               int64
	}{
		{"mexia-azurewebsites-freb-404-arrhelper-fr000001.xml", 404, 0, 99, "http://devcampclassicaspdemo.azurewebsites.net:80/favicon.ico", 2},
		{"codeacademy-iisexpress-freb-500-fr000001.xml", 500, 0, 175, "http://localhost:58225/About.aspx", -1},
	} {
		src, err := os.ReadFile("../fixtures/logs/" + c.file)
		if err != nil {
			t.Fatal("fixture missing")
		}
		tr, err := iislog.ReadTrace(c.file, bytes.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		if tr.Status != c.status || tr.SubStatus != c.sub || tr.EventCount != c.events || tr.URL != c.url || tr.Server != "" {
			t.Errorf("%s: %d.%d, %d events, url %q, server %q", c.file, tr.Status, tr.SubStatus, tr.EventCount, tr.URL, tr.Server)
		}
		if c.win32 >= 0 && tr.Win32 != c.win32 {
			t.Errorf("%s: win32 %d, want %d (ErrorCode 2147942402 = 0x80070002)", c.file, tr.Win32, c.win32)
		}
	}
}

func TestGeneratedARRTrace(t *testing.T) {
	var b bytes.Buffer
	testgen.Trace(&b, testgen.TraceSpec{URL: "http://shop/api/cart", Status: 502, SubStatus: 3, StatusAsDot: true,
		ErrorCode: 12002, TimeTaken: 29987, Farm: "web", Server: "10.0.0.12", At: time.Date(2024, 1, 2, 10, 2, 0, 0, time.UTC)})
	tr, err := iislog.ReadTrace("fr000001.xml", &b)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != 502 || tr.SubStatus != 3 || tr.Win32 != 12002 || tr.Server != "10.0.0.12" || tr.Farm != "web" || tr.TimeTaken != 29987 ||
		tr.Time != time.Date(2024, 1, 2, 10, 2, 0, 0, time.UTC).Unix() {
		t.Errorf("trace %+v", tr)
	}
}

func TestHRESULT(t *testing.T) {
	for s, want := range map[string]int64{"0x80072EE2": 12002, "0x80072efd": 12029, "2147954402": 12002, "12030": 12030, "0x80004005": 0x80004005} {
		if got, ok := iislog.HRESULT(s); !ok || got != want {
			t.Errorf("HRESULT(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
}

func TestTraceBadInput(t *testing.T) {
	for src, want := range map[string]string{
		"": "not a failed-request trace",
		"<configuration><webFarms/></configuration>": "no failedRequest element",
		"\x00\x01garbage": "not a failed-request trace",
		`<failedRequest url="x" statusCode="502"><Event><EventData><Data Name="a">`: "truncated",
	} {
		_, err := iislog.ReadTrace("fr1.xml", strings.NewReader(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", src, err, want)
		}
	}
}

// TestTraceNestingLimit: a trace nested deeper than MaxTraceDepth is
// refused at the element that crosses the limit, before the decoder has
// built state for the rest (a 60 MB file of nested elements took 1.9 GB).
func TestTraceNestingLimit(t *testing.T) {
	deep := `<failedRequest url="http://x/" statusCode="502">` + strings.Repeat("<a>", 1<<20)
	_, err := iislog.ReadTrace("fr000001.xml", strings.NewReader(deep))
	if err == nil || !strings.Contains(err.Error(), "reading trace fr000001.xml: elements nested deeper than 128 levels at line 1") {
		t.Errorf("deep trace: %v", err)
	}
	_, err = iislog.ReadTrace("fr000002.xml", strings.NewReader(strings.Repeat("<a>", 200)))
	if err == nil || !strings.Contains(err.Error(), "fr000002.xml is not a failed-request trace: elements nested deeper than 128") {
		t.Errorf("deep non-trace: %v", err)
	}
	at := `<failedRequest url="http://x/" statusCode="502">` + strings.Repeat("<a>", iislog.MaxTraceDepth-1) + strings.Repeat("</a>", iislog.MaxTraceDepth-1) + `</failedRequest>`
	if tr, err := iislog.ReadTrace("fr000003.xml", strings.NewReader(at)); err != nil || tr.Status != 502 {
		t.Errorf("a trace at the limit: %v", err)
	}
}

// BenchmarkTraceNested: memory per deep trace stays bounded by the depth
// limit, not by the file's size.
func BenchmarkTraceNested(b *testing.B) {
	deep := `<failedRequest url="http://x/" statusCode="502">` + strings.Repeat("<a>", 20<<20/3)
	b.SetBytes(int64(len(deep)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iislog.ReadTrace("fr.xml", strings.NewReader(deep)); err == nil {
			b.Fatal("accepted")
		}
	}
}
