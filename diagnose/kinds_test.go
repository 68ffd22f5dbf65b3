package diagnose

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arrfarm/arrfarm/iislog"
	"github.com/arrfarm/arrfarm/internal/testgen"
)

const kinds = "../fixtures/logkinds/"

func runOn(t *testing.T, paths []string, opts Options) *Report {
	t.Helper()
	in, err := iislog.Expand(paths)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(in, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func groupOf(rep *Report, code string) *Group {
	for i := range rep.Groups {
		if rep.Groups[i].code() == code {
			return &rep.Groups[i]
		}
	}
	return nil
}

func hasNote(rep *Report, part string) bool {
	return strings.Contains(strings.Join(rep.Notes, "\n"), part)
}

// TestExchangeLogRunsOfSpaces: the fixture's 200.0/0 group has time-taken
// 0 4 15 15 15 15 15 102 3900 5120 (its README): nearest-rank p50 is the
// 5th value, 15 ms; the 500 is kept; the note counts the 6 re-split
// lines. The FTP log beside it is not read, and the report says why.
func TestExchangeLogRunsOfSpaces(t *testing.T) {
	rep := runOn(t, []string{kinds + "LogFiles"}, Options{})
	ok := groupOf(rep, "200.0 / 0")
	if rep.Lines != 16 || rep.SkippedLines != 0 || ok == nil || ok.Count != 10 || ok.TimeTaken.P50 != 15 || ok.TimeTaken.Max != 5120 ||
		groupOf(rep, "500.0 / 0") == nil {
		t.Fatalf("lines %d skipped %d 200 group %+v", rep.Lines, rep.SkippedLines, ok)
	}
	if !hasNote(rep, "6 lines had runs of spaces") {
		t.Errorf("notes %q", rep.Notes)
	}
	if len(rep.NotRead) != 1 || !strings.Contains(rep.NotRead[0], "FTPSVC2/u_ex240205.log is an FTP log (fields x-session, x-fullpath)") {
		t.Errorf("not read %q", rep.NotRead)
	}
	for _, g := range rep.Groups {
		if g.Status == 530 {
			t.Errorf("an FTP reply was read as HTTP: %+v", g)
		}
	}
}

// TestHTTPErrLog: HTTP.sys's error log is diagnosed for what it is: one
// row per reason, most frequent first, the 503s and dropped connections
// marked as ARR evidence.
func TestHTTPErrLog(t *testing.T) {
	rep := runOn(t, []string{kinds + "HTTPERR"}, Options{})
	e := rep.HTTPErr
	if rep.Lines != 0 || len(rep.Groups) != 0 || e == nil || e.Lines != 8 {
		t.Fatalf("lines %d groups %d httperr %+v", rep.Lines, len(rep.Groups), e)
	}
	var got []string
	for _, x := range e.Reasons {
		got = append(got, x.Reason)
	}
	if strings.Join(got, " ") != "Timer_ConnectionIdle QueueFull AppOffline Connection_Dropped Hostname" {
		t.Errorf("reasons %q", got)
	}
	q := e.Reasons[1]
	if q.Count != 2 || q.Status != 503 || !q.Evidence || !strings.Contains(q.Meaning, "request queue was full") ||
		e.Reasons[0].Evidence || e.Reasons[0].Status != -1 || !strings.Contains(e.Reasons[0].Meaning, "connectionTimeout") {
		t.Errorf("QueueFull %+v, Timer_ConnectionIdle %+v", q, e.Reasons[0])
	}
	if !hasNote(rep, "4 HTTP.sys error log lines (AppOffline, Connection_Dropped, QueueFull)") {
		t.Errorf("notes %q", rep.Notes)
	}
	var js bytes.Buffer
	rep.WriteJSON(&js)
	if !strings.Contains(js.String(), `"reason": "QueueFull"`) || !strings.Contains(js.String(), `"arr_evidence": true`) {
		t.Errorf("json %s", js.String())
	}
}

// TestNoStatusField: a log without sc-status is one group that says the
// field is missing, not "(no status) Status -1.".
func TestNoStatusField(t *testing.T) {
	rep := runOn(t, []string{kinds + "nostatus.log"}, Options{})
	if len(rep.Groups) != 1 {
		t.Fatalf("groups %+v", rep.Groups)
	}
	g := rep.Groups[0]
	var text bytes.Buffer
	rep.WriteText(&text, "")
	if g.code() != "(sc-status not logged)" || !strings.Contains(g.Meaning, "no sc-status field") || g.Count != 3 ||
		strings.Contains(text.String(), "Status -1") || strings.Contains(text.String(), "(no status)") {
		t.Errorf("%s", text.String())
	}
}

// TestQuotedAndDated: lnav's Web Cache shape (quoted values, runs of
// spaces, cs-uri) and plaso's IIS 6 log without date.
func TestQuotedAndDated(t *testing.T) {
	rep := runOn(t, []string{kinds + "webcache-quoted.log"}, Options{By: "url"})
	if rep.Lines != 3 || rep.SkippedLines != 0 || !hasNote(rep, "2 lines had quoted values with spaces") || !hasNote(rep, "1 lines had runs of spaces") {
		t.Errorf("lines %d skipped %d notes %q", rep.Lines, rep.SkippedLines, rep.Notes)
	}
	if g := groupOf(rep, "200"); g == nil || len(g.By) != 1 || g.By[0].Key != "/img/logo.gif" {
		t.Errorf("--by url of cs-uri: %+v", g)
	}
	rep = runOn(t, []string{kinds + "nodate-u_ex130730.log"}, Options{By: "hour"})
	g := groupOf(rep, "404.0 / 2")
	if rep.Lines != 4 || g == nil || g.By[0].Key != "2013-07-30 00:00" || !hasNote(rep, "4 lines come from logs without a date field") {
		t.Errorf("lines %d 404 %+v notes %q", rep.Lines, g, rep.Notes)
	}
}

// TestWin32TiedToTimeAndBox: win32 64 is ARR giving up only where the
// time-taken says so, and only on a server behind ARR; 200.0/1236,
// 403.14 and 304.0/64 are explained.
func TestWin32TiedToTimeAndBox(t *testing.T) {
	for _, c := range []struct {
		status, sub int
		win32, p50  int64
		arrBox      bool
		want, not   string
	}{
		{404, 0, 64, 54, false, "not a proxy timeout", "ARR gave up"},
		{200, 0, 64, 54, false, "not a proxy timeout", "ARR gave up"},
		{200, 0, 64, 29950, false, "ARR gave up at its timeout", "not a proxy timeout"},
		{200, 0, 64, 29950, true, "client is the browser or the load balancer in front", "ARR gave up"},
		{200, 0, 1236, 80, false, "ERROR_CONNECTION_ABORTED", ""},
		{403, 14, 0, 1, false, "directory listing denied", ""},
		{304, 0, 64, 3, false, "Not modified", "ARR gave up"},
	} {
		m, a := explain(c.status, c.sub, c.win32, c.p50, c.arrBox)
		if !strings.Contains(m+a, c.want) || (c.not != "" && strings.Contains(m+a, c.not)) {
			t.Errorf("%d.%d/%d at %d ms (ARR box %v): %q / %q; want %q, not %q", c.status, c.sub, c.win32, c.p50, c.arrBox, m, a, c.want, c.not)
		}
		if c.win32 == 64 && c.status == 304 && !strings.Contains(m, "ERROR_NETNAME_DELETED") {
			t.Errorf("304.0/64: %q", m)
		}
	}
}

// TestByServerOnARRBox: on an ARR server's log the server rows are the
// ARR server and say so; traces name the backend.
func TestByServerOnARRBox(t *testing.T) {
	dir := t.TempDir()
	log := "#Fields: date time s-computername cs-uri-stem sc-status sc-substatus sc-win32-status time-taken\n" +
		"2024-03-04 10:00:00 ARR01 /a 502 3 12002 29990\n2024-03-04 10:00:01 ARR01 /a 200 0 0 12\n"
	os.WriteFile(filepath.Join(dir, "u_ex240304.log"), []byte(log), 0o644)
	var b bytes.Buffer
	testgen.Trace(&b, testgen.TraceSpec{URL: "http://shop:80/a?id=1", Status: 502, SubStatus: 3, ErrorCode: 12002, TimeTaken: 29990,
		Farm: "web", Server: "10.0.0.12", At: time.Date(2024, 3, 4, 10, 0, 2, 0, time.UTC)})
	os.WriteFile(filepath.Join(dir, "fr000001.xml"), b.Bytes(), 0o644)
	rep := runOn(t, []string{dir}, Options{By: "server"})
	g := groupOf(rep, "502.3 / 12002")
	if g == nil || len(g.By) != 2 || g.By[0].Key != "10.0.0.12" || g.By[1].Key != "ARR01 (this ARR server; its log does not name the backend)" {
		t.Fatalf("rows %+v", g)
	}
	if !hasNote(rep, "--by server: 2 of 3 requests come from the ARR server's W3C log") {
		t.Errorf("notes %q", rep.Notes)
	}
	// --by url: the trace's URL and the log's cs-uri-stem are one row.
	rep = runOn(t, []string{dir}, Options{By: "url"})
	if g := groupOf(rep, "502.3 / 12002"); g == nil || len(g.By) != 1 || g.By[0].Key != "/a" || g.By[0].Count != 2 {
		t.Errorf("--by url rows %+v", g)
	}
	// A backend's log (no ARR failures) keeps its server names as they are.
	os.Remove(filepath.Join(dir, "fr000001.xml"))
	os.WriteFile(filepath.Join(dir, "u_ex240304.log"), []byte("#Fields: s-computername sc-status time-taken\nWEB01 200 5\n"), 0o644)
	rep = runOn(t, []string{dir}, Options{By: "server"})
	if rep.Groups[0].By[0].Key != "WEB01" || hasNote(rep, "--by server") {
		t.Errorf("backend rows %+v notes %q", rep.Groups[0].By, rep.Notes)
	}
}
