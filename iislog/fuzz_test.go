package iislog

import (
	"bytes"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func FuzzW3C(f *testing.F) {
	f.Add([]byte(twoBlocks))
	f.Add([]byte(gz(twoBlocks)))
	f.Add([]byte(gz(twoBlocks))[:20])
	f.Add([]byte("#Fields: date time\n2024-01-01 00:00:00\n#Fields:\n\n-\n"))
	f.Add([]byte("#Date: 2024-01-02 23:59:00\n#Fields: time sc-status cs(User-Agent)\n23:59:58  200 \"a b\"\n00:00:01 200 \"x\n"))
	f.Add([]byte("2024-03-04 10:15:02 10.0.0.5 GET /a - 443 - 198.51.100.40 - - 502 3 12002 29987\n"))
	f.Add([]byte("#Software: Microsoft HTTP API 2.0\n#Fields: date time c-ip sc-status s-reason\n2024-01-01 00:00:00 ::1 503 QueueFull\n"))
	if b, err := os.ReadFile(corpus + "elastic-beats-filebeat-iis-access-test-multiheader.log"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		// Odd lengths also read HTTP.sys error logs and take given fields
		// for lines before any #Fields line.
		opts := Options{MaxLine: 4096, Open: func(string) (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(src)), nil
		}}
		if len(src)%2 == 1 {
			opts.ErrorLogs, opts.Fields = true, "date time cs-uri-stem sc-status time-taken"
		}
		r := NewReader([]string{"fuzz.log"}, opts)
		for r.Next() {
			rec := r.Record()
			_ = rec.Get("cs-uri-stem")
			_ = rec.URIPath()
			if rec.Status < -1 || rec.TimeTaken < -1 {
				t.Fatalf("negative field %+v", rec)
			}
		}
		st := r.Stats()
		if st.Records+st.ErrorRecords+st.Malformed > st.Lines || len(st.Problems) > MaxProblems ||
			st.SplitRuns+st.SplitQuoted > st.Records || len(st.Skipped) > MaxSkippedFiles {
			t.Fatalf("inconsistent stats %+v", st)
		}
	})
}

func FuzzTrace(f *testing.F) {
	for _, name := range []string{"mexia-azurewebsites-freb-404-arrhelper-fr000001.xml"} {
		if b, err := os.ReadFile(corpus + name); err == nil {
			f.Add(b[:min(len(b), 8000)])
		}
	}
	f.Add([]byte(`<failedRequest statusCode="502.3">` + strings.Repeat("<a>", 130)))
	f.Add([]byte(`<failedRequest statusCode="502.3"><Event><EventData><Data Name="ErrorCode">0x80072EE2</Data></EventData><RenderingInfo><Opcode>X</Opcode></RenderingInfo></Event></failedRequest>`))
	f.Fuzz(func(t *testing.T, src []byte) {
		tr, err := ReadTrace("fr.xml", bytes.NewReader(src))
		if err == nil && tr.EventCount < len(tr.Events) {
			t.Fatalf("%d events kept of %d", len(tr.Events), tr.EventCount)
		}
	})
}

// iislog sits on the floor: every reader of logs is above it.
func TestImportsNoProjectPackage(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(p, "github.com/arrfarm/arrfarm/") {
				t.Errorf("%s imports %s; iislog imports no project package", name, p)
			}
		}
	}
}
