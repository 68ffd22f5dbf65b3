package iislog

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const corpus = "../fixtures/logs/"

func readAll(t *testing.T, names []string, opts Options) (map[int]int, Stats, error) {
	t.Helper()
	r := NewReader(names, opts)
	defer r.Close()
	status := map[int]int{}
	for r.Next() {
		status[r.Record().Status]++
	}
	return status, r.Stats(), r.Err()
}

// The expected counts were taken with wc -l, grep -c '^#Fields' and an awk
// script that splits on whitespace and compares each line's field count
// with its #Fields line (see the commit that added this test), not with
// this reader.
func TestCorpusCounts(t *testing.T) {
	for _, c := range []struct {
		file                string
		lines, headers, bad int64
		status              map[int]int
	}{
		{"elastic-beats-filebeat-iis-access-test-multiheader.log", 17, 3, 2, map[int]int{200: 3}},
		{"waikolai-iis70-w3svc20-u_ex090908.log", 305, 13, 0, map[int]int{200: 73, 304: 28, 404: 152}},
		{"webknowit-iis85-w3svc1-u_ex151020.log", 607, 10, 0, map[int]int{200: 142, 301: 2, 304: 337, 403: 1, 404: 85}},
	} {
		t.Run(c.file, func(t *testing.T) {
			if _, err := os.Stat(corpus + c.file); err != nil {
				t.Fatal(err)
			}
			status, st, err := readAll(t, []string{corpus + c.file}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if st.Lines != c.lines || st.Headers != c.headers || st.Malformed != c.bad {
				t.Errorf("lines %d headers %d malformed %d, want %d %d %d", st.Lines, st.Headers, st.Malformed, c.lines, c.headers, c.bad)
			}
			var n int64
			for k, v := range c.status {
				n += int64(v)
				if status[k] != v {
					t.Errorf("status %d: %d, want %d", k, status[k], v)
				}
			}
			if st.Records != n || len(status) != len(c.status) {
				t.Errorf("records %d by status %v, want %d by %v", st.Records, status, n, c.status)
			}
		})
	}
}

func TestCorpusMalformedExamples(t *testing.T) {
	name := corpus + "elastic-beats-filebeat-iis-access-test-multiheader.log"
	if _, err := os.Stat(name); err != nil {
		t.Fatal("fixture missing")
	}
	_, st, _ := readAll(t, []string{name}, Options{})
	// Lines 16 and 17 carry the default 15-field layout under the third,
	// 22-field #Fields line.
	if len(st.Problems) != 2 || st.Problems[0].Line != 16 || st.Problems[1].Line != 17 ||
		!strings.Contains(st.Problems[0].String(), "multiheader.log:16: 15 fields, the #Fields line has 22") {
		t.Errorf("problems %v", st.Problems)
	}
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	io.WriteString(w, s)
	w.Close()
	return b.String()
}

const twoBlocks = "#Software: Microsoft Internet Information Services 10.0\r\n#Fields: date time cs-uri-stem sc-status sc-substatus sc-win32-status time-taken cs(User-Agent)\r\n" +
	"2024-01-02 03:04:05 /a+b 502 3 12002 29950 Mozilla/5.0+(X)\r\n" +
	"#Fields: time-taken sc-status date time cs-uri-stem\r\n" +
	"15 200 2024-01-02 23:59:59 -\r\n"

func TestFieldsByNameAcrossBlocks(t *testing.T) {
	p := write(t, t.TempDir(), "u_ex240102.log", twoBlocks)
	r := NewReader([]string{p}, Options{})
	var recs []Record
	var agents, stems []string
	for r.Next() {
		rec := r.Record()
		recs = append(recs, *rec)
		agents = append(agents, rec.Get("CS(User-Agent)"))
		stems = append(stems, rec.Get("cs-uri-stem"))
	}
	if r.Err() != nil || len(recs) != 2 {
		t.Fatalf("%d records, err %v", len(recs), r.Err())
	}
	a, b := recs[0], recs[1]
	if a.Status != 502 || a.SubStatus != 3 || a.Win32 != 12002 || a.TimeTaken != 29950 || a.Line != 3 {
		t.Errorf("first record %+v", a)
	}
	if want := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC); !a.Timestamp().Equal(want) {
		t.Errorf("time %v, want %v (UTC)", a.Timestamp(), want)
	}
	if b.Status != 200 || b.SubStatus != -1 || b.Win32 != -1 || b.TimeTaken != 15 || b.TimeTakenDuration() != 15*time.Millisecond {
		t.Errorf("second record %+v", b)
	}
	if b.Time != time.Date(2024, 1, 2, 23, 59, 59, 0, time.UTC).Unix() {
		t.Errorf("second time %v", b.Timestamp())
	}
	if agents[0] != "Mozilla/5.0 (X)" || stems[0] != "/a b" || stems[1] != "" || agents[1] != "" {
		t.Errorf("decoded fields %q %q", agents, stems)
	}
}

func TestGzipAndDirectories(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "W3SVC2/u_ex240102.log.gz", gz(twoBlocks))
	write(t, dir, "W3SVC1/u_ex240101.log", twoBlocks)
	write(t, dir, "W3SVC1/readme.txt", "not a log")
	write(t, dir, "FailedReqLogFiles/W3SVC1/fr000001.xml", "<failedRequest/>")
	in, err := Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Logs) != 2 || !strings.HasSuffix(in.Logs[0], "W3SVC1/u_ex240101.log") || !strings.HasSuffix(in.Logs[1], ".log.gz") ||
		len(in.Traces) != 1 {
		t.Fatalf("inputs %+v", in)
	}
	status, st, err := readAll(t, in.Logs, Options{})
	if err != nil || st.Records != 4 || status[502] != 2 || st.Files != 2 || st.Headers != 4 {
		t.Errorf("status %v stats %+v err %v", status, st, err)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	write(t, empty, "notes.txt", "x")
	if _, err := Expand([]string{empty}); err == nil || !strings.Contains(err.Error(), "has no IIS logs") {
		t.Errorf("empty directory: %v", err)
	}
	if _, err := Expand([]string{filepath.Join(dir, "*.log")}); err == nil || !strings.Contains(err.Error(), "no file matches") {
		t.Errorf("empty glob: %v", err)
	}
	for content, want := range map[string]string{
		"<?xml version=\"1.0\"?><configuration/>": "looks like XML",
		"\x00\x01\x02binary":                      "looks like binary data",
		"hello world\n":                           "no #Fields line",
		"1.2.3.4, -, 01/02/24, 10:00:00, W3SVC1, WEB, 10.0.0.1, 15, 300, 200, 200, 0, GET, /a, -,\n": "comma-separated",
	} {
		p := write(t, dir, "x.log", content)
		_, _, err := readAll(t, []string{p}, Options{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", content, err, want)
		}
	}
	full := gz(twoBlocks + strings.Repeat("2024-01-02 03:04:05 /a 200 0 0 10 x\n", 1000))
	p := write(t, dir, "cut.log.gz", full[:len(full)/2])
	if _, _, err := readAll(t, []string{p}, Options{}); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated gzip: %v", err)
	}
	p = write(t, dir, "bad.log.gz", "\x1f\x8bnot really gzip")
	if _, _, err := readAll(t, []string{p}, Options{}); err == nil || !strings.Contains(err.Error(), "bad.log.gz") {
		t.Errorf("damaged gzip: %v", err)
	}
	if _, _, err := readAll(t, []string{dir}, Options{}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory as a file: %v", err)
	}
}

func TestMalformedLinesAreCounted(t *testing.T) {
	long := strings.Repeat("x", 2<<20)
	src := "#Fields: date time sc-status time-taken\n" +
		"2024-01-02 03:04:05 200 1\n" +
		"2024-01-02 03:04:05 200\n" + // too few fields
		"2024-13-02 03:04:05 200 1\n" + // bad month
		"2024-01-02 03:04:05 2x0 1\n" +
		long + "\n" +
		"2024-01-02 03:04:05 200 2\n" +
		"2024-01-02 03:04:05 200 1 extra\n" +
		"2024-01-02 03:04:05 200 3" // truncated mid-file: no newline, still a record
	p := write(t, t.TempDir(), "u.log", src)
	status, st, err := readAll(t, []string{p}, Options{})
	if err != nil || status[200] != 3 || st.Malformed != 5 || st.Lines != 9 {
		t.Fatalf("status %v stats %+v err %v", status, st, err)
	}
	if len(st.Problems) != MaxProblems || st.Problems[3].Line != 6 || !strings.Contains(st.Problems[3].Reason, "longer than") {
		t.Errorf("problems %v", st.Problems)
	}
}
