package iislog

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const kinds = "../fixtures/logkinds/"

// TestRunsOfSpaces: an Exchange log with two spaces before cs-username
// on 6 of 16 lines (the fixture's README) is read whole, and the lines
// read by splitting on runs of spaces are counted.
func TestRunsOfSpaces(t *testing.T) {
	r := NewReader([]string{kinds + "LogFiles/W3SVC1/u_ex220301.log"}, Options{})
	codes := map[string]int{}
	var users []string
	for r.Next() {
		rec := r.Record()
		codes[fmt.Sprintf("%d.%d/%d", rec.Status, rec.SubStatus, rec.Win32)]++
		if rec.Split == SplitRuns {
			users = append(users, rec.Get("cs-username"))
		}
	}
	st := r.Stats()
	if r.Err() != nil || st.Records != 16 || st.Malformed != 0 || st.SplitRuns != 6 {
		t.Fatalf("err %v stats %+v", r.Err(), st)
	}
	want := map[string]int{"200.0/0": 10, "200.0/64": 1, "401.0/0": 1, "401.1/2148074254": 2, "500.0/0": 1, "302.0/0": 1}
	if fmt.Sprint(codes) != fmt.Sprint(want) {
		t.Errorf("codes %v, want %v", codes, want)
	}
	if !slices.Equal(users, []string{`CONTOSO\probe1`, `CONTOSO\probe1`, `CONTOSO\probe1`, "contoso/probe1", "probe1@contoso", `CONTOSO\probe1`}) {
		t.Errorf("cs-username of the re-split lines: %q", users)
	}
}

// TestQuotedValues: lnav's Web Cache sample quotes values with spaces and
// pads fields with runs of spaces; cs-uri stands for cs-uri-stem.
func TestQuotedValues(t *testing.T) {
	r := NewReader([]string{kinds + "webcache-quoted.log"}, Options{})
	var agents, cookies, paths []string
	for r.Next() {
		rec := r.Record()
		agents = append(agents, rec.Get("cs(User-Agent)"))
		cookies = append(cookies, rec.Get("cs(Cookie)"))
		paths = append(paths, string(rec.URIPath()))
	}
	st := r.Stats()
	if r.Err() != nil || st.Records != 3 || st.Malformed != 0 || st.SplitQuoted != 2 || st.SplitRuns != 1 {
		t.Fatalf("err %v stats %+v", r.Err(), st)
	}
	if !slices.Equal(agents, []string{"Mozilla/4.5 [en] (WinNT; I)", "Mozilla/5.0 (X11; Linux x86_64)", "Wget/1.21"}) ||
		cookies[0] != "theme=dark; lang=en" || !slices.Equal(paths, []string{"/img/logo.gif", "/index.html", "/img/logo.gif"}) {
		t.Errorf("agents %q cookies %q paths %q", agents, cookies, paths)
	}
}

// TestLooseSplitKeepsMalformed: a line that fits neither way keeps the
// reason of the plain split, and an unclosed quote is not a field.
func TestLooseSplitKeepsMalformed(t *testing.T) {
	src := "#Fields: date time cs-uri-stem sc-status time-taken\n" +
		"2024-01-02 03:04:05  /a  200  1  extra\n" +
		"2024-01-02 03:04:05 \"/a b 200 1\n" +
		"2024-01-02 03:04:05 \"/a b\" 200 1\n"
	p := write(t, t.TempDir(), "u.log", src)
	_, st, err := readAll(t, []string{p}, Options{})
	if err != nil || st.Records != 1 || st.Malformed != 2 || st.SplitQuoted != 1 ||
		!strings.Contains(st.Problems[0].Reason, "more fields than the #Fields line (5)") {
		t.Errorf("err %v stats %+v", err, st)
	}
}

// TestDayFromDateDirective: a log without a date field (IIS 6 with only
// time) is dated by #Date, and a time of day that goes back past
// midnight moves to the next day.
func TestDayFromDateDirective(t *testing.T) {
	r := NewReader([]string{kinds + "nodate-u_ex130730.log"}, Options{})
	var times []time.Time
	for r.Next() {
		times = append(times, r.Record().Timestamp())
	}
	st := r.Stats()
	if r.Err() != nil || st.Records != 4 || st.DayFromDirective != 4 || len(times) != 4 ||
		!times[3].Equal(time.Date(2013, 7, 30, 0, 0, 12, 0, time.UTC)) {
		t.Fatalf("err %v stats %+v times %v", r.Err(), st, times)
	}
	src := "#Date: 2024-01-02 23:59:00\n#Fields: time sc-status\n23:59:58 200\n00:00:01 200\n#Date: 2024-01-05 00:00:00\n#Fields: time sc-status\n00:00:02 200\n"
	p := write(t, t.TempDir(), "u.log", src)
	r = NewReader([]string{p}, Options{})
	times = times[:0]
	for r.Next() {
		times = append(times, r.Record().Timestamp())
	}
	want := []time.Time{time.Date(2024, 1, 2, 23, 59, 58, 0, time.UTC), time.Date(2024, 1, 3, 0, 0, 1, 0, time.UTC), time.Date(2024, 1, 5, 0, 0, 2, 0, time.UTC)}
	if !slices.EqualFunc(times, want, time.Time.Equal) {
		t.Errorf("times %v, want %v", times, want)
	}
}

// TestNoFieldsLine: lines grepped out of a log (no #Fields) are read
// with IIS's default field set when they fit it, with the caller's fields
// when given, and refused with ErrNoFields otherwise.
func TestNoFieldsLine(t *testing.T) {
	status, st, err := readAll(t, []string{kinds + "grepped-502.log"}, Options{})
	if err != nil || status[502] != 2 || status[200] != 1 || len(st.Assumed) != 1 || !st.Assumed[0].Default || st.Assumed[0].Fields != DefaultFields {
		t.Errorf("default fields: %v %+v %v", status, st, err)
	}
	p := write(t, t.TempDir(), "cut.log", "2024-03-04 10:15:02 /api 502 3 12002 29987\n2024-03-04 10:15:03 /api 200 0 0 9\n")
	if _, _, err := readAll(t, []string{p}, Options{}); err == nil || !strings.Contains(err.Error(), "is not a W3C extended log") ||
		!strings.Contains(err.Error(), ErrNoFields.Error()) {
		t.Errorf("no fields, not the default set: %v", err)
	}
	status, st, err = readAll(t, []string{p}, Options{Fields: "date  time cs-uri-stem sc-status sc-substatus sc-win32-status time-taken"})
	if err != nil || status[502] != 1 || status[200] != 1 || st.Assumed[0].Default || st.Assumed[0].Fields != "date time cs-uri-stem sc-status sc-substatus sc-win32-status time-taken" {
		t.Errorf("given fields: %v %+v %v", status, st, err)
	}
	if _, _, err := readAll(t, []string{p}, Options{Fields: "date time"}); err == nil || !strings.Contains(err.Error(), "not an HTTP request log's") {
		t.Errorf("fields without a request field: %v", err)
	}
}

// TestKinds: FTP, firewall and HTTP.sys error logs are told apart from
// request logs by their directives and fields, skipped with the reason,
// and the HTTP.sys error log is read when asked for.
func TestKinds(t *testing.T) {
	skipped := map[string]Kind{}
	for _, name := range []string{"HTTPERR/httperr1.log", "LogFiles/FTPSVC2/u_ex240205.log", "pfirewall.log", "LogFiles/W3SVC1/u_ex220301.log"} {
		_, st, err := readAll(t, []string{kinds + name}, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, s := range st.Skipped {
			skipped[filepath.ToSlash(strings.TrimPrefix(s.File, kinds))] = s.Kind
			if !strings.Contains(s.String(), "; not read") {
				t.Errorf("%s", s)
			}
		}
		if len(st.Skipped) > 0 && st.Records != 0 {
			t.Errorf("%s: %d records from a skipped file", name, st.Records)
		}
	}
	want := map[string]Kind{"HTTPERR/httperr1.log": KindHTTPErr, "LogFiles/FTPSVC2/u_ex240205.log": KindFTP, "pfirewall.log": KindFirewall}
	if fmt.Sprint(skipped) != fmt.Sprint(want) {
		t.Errorf("skipped %v, want %v", skipped, want)
	}
	// The same FTP fields without x-session/x-fullpath, under an FTPSVC
	// folder, and an FTP #Software line elsewhere.
	dir := t.TempDir()
	ftp := "#Fields: date time c-ip cs-method cs-uri-stem sc-status\n2024-01-01 00:00:00 192.0.2.1 PASS - 530\n"
	for _, p := range []string{write(t, dir, "FTPSVC3/u_ex240101.log", ftp), write(t, dir, "IIS6/ex240101.log", "#Software: Microsoft FTP Service 6.0\n"+ftp)} {
		_, st, _ := readAll(t, []string{p}, Options{})
		if st.Records != 0 || len(st.Skipped) != 1 || st.Skipped[0].Kind != KindFTP {
			t.Errorf("%s: %+v", p, st)
		}
	}
	r := NewReader([]string{kinds + "HTTPERR/httperr1.log"}, Options{ErrorLogs: true})
	reasons := map[string]int{}
	for r.Next() {
		rec := r.Record()
		if rec.Kind() != KindHTTPErr {
			t.Fatalf("kind %v", rec.Kind())
		}
		reasons[string(rec.Reason())]++
	}
	st := r.Stats()
	if st.ErrorRecords != 8 || st.Records != 0 || fmt.Sprint(reasons) != "map[AppOffline:1 Connection_Dropped:1 Hostname:1 QueueFull:2 Timer_ConnectionIdle:3]" {
		t.Errorf("httperr: %v %+v", reasons, st)
	}
}
