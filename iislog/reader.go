package iislog

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// DefaultMaxLine bounds one log line. IIS limits a request line to 16 KiB
// by default (http.sys MaxRequestBytes), but cookies and user agents make
// lines longer; a longer line is counted as malformed, not held.
const DefaultMaxLine = 1 << 20

// MaxProblems is how many malformed lines a Reader keeps as examples; the
// rest are only counted.
const MaxProblems = 5

// Options tune a Reader.
type Options struct {
	// Open opens one input by name; nil uses OpenFile. A caller that reads
	// "-" from stdin, or through its own bounded reader, supplies it.
	Open func(name string) (io.ReadCloser, error)
	// MaxLine overrides DefaultMaxLine.
	MaxLine int
	// Progress, when set, is called with the number of bytes read so far
	// (as stored on disk, so compressed for .gz), about once a megabyte.
	Progress func(read int64)
	// Fields names the fields of request lines that come before any
	// #Fields line ("date time cs-uri-stem sc-status time-taken"), for
	// lines cut out of a log. Without it such a file is read with IIS's
	// default field set when its first line fits that set, else refused.
	Fields string
	// ErrorLogs makes the Reader return the lines of HTTP.sys error logs
	// (Record.Kind() == KindHTTPErr) instead of skipping those files.
	ErrorLogs bool
}

// MaxSkippedFiles is how many files that are not request logs Stats
// names; the rest are only counted.
const MaxSkippedFiles = 20

// ErrNoFields is in the error about a file whose first line is a
// request line that does not fit IIS's default fields, with no #Fields
// line before it: the caller can say how to name the fields.
var ErrNoFields = errors.New("no #Fields line before the first request")

// Problem is a line that does not fit its header.
type Problem struct {
	File   string
	Line   int64
	Reason string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Reason) }

// Stats count what a Reader has read so far.
type Stats struct {
	Files int
	// Lines counts every physical line, directives and blank lines
	// included.
	Lines int64
	// Headers counts #Fields lines, i.e. header blocks.
	Headers int64
	// Records counts request lines that fit their header.
	Records int64
	// ErrorRecords counts the lines of HTTP.sys error logs returned
	// (Options.ErrorLogs).
	ErrorRecords int64
	// SplitRuns and SplitQuoted count the records that fit their header
	// only when split on runs of spaces, or with a quoted value holding
	// spaces as one field (see Split).
	SplitRuns, SplitQuoted int64
	// DayFromDirective counts records of logs without a date field that
	// were dated by the #Date directive.
	DayFromDirective int64
	// Malformed counts request lines that do not; Problems holds the
	// first MaxProblems of them.
	Malformed int64
	Problems  []Problem
	// Skipped names the first MaxSkippedFiles files that are not request
	// logs (FTP, firewall, HTTP.sys error logs unless asked for), which
	// were not read; SkippedFiles counts them all.
	Skipped      []SkippedFile
	SkippedFiles int
	// Assumed lists the files without a #Fields line read with
	// Options.Fields or IIS's default fields (at most MaxSkippedFiles).
	Assumed []Assumed
}

// Reader streams the records of several W3C log files, one after the
// other, in the order given.
type Reader struct {
	names []string
	opts  Options
	next  int

	file   io.ReadCloser
	br     *bufio.Reader
	name   string
	line   int64
	hdr    *Header
	seen   bool   // a #Fields line or a record was seen in this file
	sw     string // the file's #Software directive, lower case
	given  *Header
	long   []byte
	days   dayCache
	rec    Record
	stats  Stats
	err    error
	read   int64
	report int64
}

// NewReader reads the named files (see Expand) in order.
func NewReader(names []string, opts Options) *Reader {
	if opts.Open == nil {
		opts.Open = OpenFile
	}
	if opts.MaxLine <= 0 {
		opts.MaxLine = DefaultMaxLine
	}
	r := &Reader{names: names, opts: opts}
	if strings.TrimSpace(opts.Fields) != "" {
		r.given = parseHeader([]byte(opts.Fields))
		r.given.Kind, _ = classify("", r.given, "")
	}
	return r
}

// OpenFile opens a regular file; devices, pipes and directories are
// refused, since reading one could block or never end. The type is checked
// before opening too: opening a FIFO for reading blocks until a writer
// comes.
func OpenFile(name string) (io.ReadCloser, error) {
	if st, err := os.Stat(name); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	return f, nil
}

// Next advances to the next record. It returns false at the end of the
// last file or on an error that stops reading (see Err).
func (r *Reader) Next() bool {
	for r.err == nil {
		if r.br == nil {
			if r.next >= len(r.names) {
				return false
			}
			r.openNext()
			continue
		}
		line, err := r.readLine()
		if line == nil && err != nil {
			r.closeFile()
			if err != io.EOF {
				r.err = fmt.Errorf("reading %s: %w", r.name, explain(err))
			}
			continue
		}
		if r.handle(line) {
			return true
		}
	}
	return false
}

// Record is the current record, valid until the next call to Next.
func (r *Reader) Record() *Record { return &r.rec }

// Err is the error that stopped reading, if any. Malformed lines are not
// errors; they are in Stats.
func (r *Reader) Err() error { return r.err }

// Stats are the counts so far; complete once Next has returned false.
func (r *Reader) Stats() Stats { return r.stats }

// Close releases the open file, if any.
func (r *Reader) Close() error {
	r.closeFile()
	return nil
}

func (r *Reader) openNext() {
	r.name = r.names[r.next]
	r.next++
	f, err := r.opts.Open(r.name)
	if err != nil {
		r.err = fmt.Errorf("opening log %s: %w", r.name, err)
		return
	}
	r.file = f
	r.stats.Files++
	br := bufio.NewReaderSize(&counter{r: f, n: &r.read, tick: r.tick}, 64<<10)
	if b, _ := br.Peek(2); len(b) == 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			r.err = fmt.Errorf("reading %s: %w", r.name, explain(err))
			return
		}
		zr.Multistream(true)
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	r.br = br
	r.line = 0
	r.hdr = nil
	r.seen = false
	r.sw = ""
	r.days.setDirective(nil)
}

func (r *Reader) tick() {
	if r.opts.Progress != nil && r.read-r.report >= 1<<20 {
		r.report = r.read
		r.opts.Progress(r.read)
	}
}

func (r *Reader) closeFile() {
	if r.file != nil {
		r.file.Close()
	}
	r.file, r.br = nil, nil
	if r.opts.Progress != nil {
		r.opts.Progress(r.read)
	}
}

// readLine returns the next line without its line ending. A line longer
// than MaxLine comes back empty with tooLong set on r (counted by handle).
func (r *Reader) readLine() ([]byte, error) {
	b, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = r.br.ReadSlice('\n')
			if len(r.long) <= r.opts.MaxLine {
				r.long = append(r.long, b...)
			}
		}
		if len(r.long) > r.opts.MaxLine {
			r.line++
			r.stats.Lines++
			r.malformed("line longer than " + strconv.Itoa(r.opts.MaxLine) + " bytes")
			if err != nil && err != io.EOF {
				return nil, err
			}
			return []byte{}, nil
		}
		b = r.long
	}
	if len(b) == 0 && err != nil {
		return nil, err
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	r.line++
	r.stats.Lines++
	b = bytes.TrimRight(b, "\r\n")
	return b, nil
}

// handle reads one line; it returns true when the line is a record.
func (r *Reader) handle(line []byte) bool {
	if len(line) == 0 {
		return false
	}
	if line[0] == '#' {
		r.seen = true
		r.directive(line)
		return false
	}
	if r.hdr == nil && !r.assume(line) {
		return false
	}
	r.seen = true
	r.rec.File, r.rec.Line = r.name, r.line
	if why := r.rec.parse(line, r.hdr, &r.days); why != "" {
		r.malformed(why)
		return false
	}
	if r.hdr.Kind == KindHTTPErr {
		r.stats.ErrorRecords++
		return true
	}
	r.stats.Records++
	switch r.rec.Split {
	case SplitRuns:
		r.stats.SplitRuns++
	case SplitQuoted:
		r.stats.SplitQuoted++
	}
	if r.rec.DayFromDirective {
		r.stats.DayFromDirective++
	}
	return true
}

// directive reads a # line: #Fields starts a header block, #Software and
// #Date say what wrote it and when.
func (r *Reader) directive(line []byte) {
	switch {
	case hasPrefixFold(line, "#Fields:"):
		r.hdr = parseHeader(line[len("#Fields:"):])
		r.stats.Headers++
		kind, why := classify(r.sw, r.hdr, r.name)
		r.hdr.Kind = kind
		if kind != KindHTTP && !(kind == KindHTTPErr && r.opts.ErrorLogs) {
			r.skipFile(kind, why)
		}
	case hasPrefixFold(line, "#Software:"):
		r.sw = strings.ToLower(string(line[len("#Software:"):min(len(line), 200)]))
	case hasPrefixFold(line, "#Date:"):
		r.days.setDirective(line[len("#Date:"):])
	}
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}

// skipFile stops reading the current file, which is not a request log.
func (r *Reader) skipFile(kind Kind, why string) {
	r.stats.SkippedFiles++
	if len(r.stats.Skipped) < MaxSkippedFiles {
		r.stats.Skipped = append(r.stats.Skipped, SkippedFile{File: r.name, Kind: kind, Reason: why})
	}
	r.closeFile()
}

// assume finds the header of a request line that comes before any
// #Fields line: the caller's (Options.Fields), else IIS's default set
// when the first line of the file fits it. It returns false when the line
// is not read.
func (r *Reader) assume(line []byte) bool {
	first := !r.seen && r.line == 1
	switch {
	case r.given != nil:
		r.hdr = r.given
		r.noteAssumed(r.opts.Fields, false)
	case first && r.rec.parse(line, defaultHeader, &r.days) == "":
		r.hdr = defaultHeader
		r.noteAssumed(DefaultFields, true)
	case first:
		r.err = fmt.Errorf("%s is not a W3C extended log (%w): it looks like %s", r.name, ErrNoFields, Sniff(line))
		return false
	default:
		r.malformed("request line before any #Fields line")
		return false
	}
	if r.hdr.Kind != KindHTTP {
		r.err = fmt.Errorf("reading %s: the fields given for lines without a #Fields line (%s) are not an HTTP request log's: %s",
			r.name, strings.Join(r.hdr.Fields, " "), "they need sc-status, cs-uri-stem, cs-method or time-taken")
		return false
	}
	return true
}

func (r *Reader) noteAssumed(fields string, def bool) {
	if len(r.stats.Assumed) < MaxSkippedFiles {
		r.stats.Assumed = append(r.stats.Assumed, Assumed{File: r.name, Fields: strings.Join(strings.Fields(fields), " "), Default: def})
	}
}

func (r *Reader) malformed(why string) {
	r.stats.Malformed++
	if len(r.stats.Problems) < MaxProblems {
		r.stats.Problems = append(r.stats.Problems, Problem{File: r.name, Line: r.line, Reason: why})
	}
}

// explain makes the errors of a damaged gzip file say so.
func explain(err error) error {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w (the file is truncated)", err)
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader):
		return fmt.Errorf("%w (the .gz file is damaged)", err)
	}
	return err
}

// Sniff says in a few words what a line that is not W3C looks like, for
// errors about files that are not logs.
func Sniff(line []byte) string {
	t := bytes.TrimSpace(bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")))
	switch {
	case bytes.IndexByte(t, 0) >= 0 || !validText(t):
		return "binary data"
	case bytes.HasPrefix(t, []byte("<?xml")) || bytes.HasPrefix(t, []byte("<")):
		return "XML (a failed-request trace should be named fr*.xml; a config is read by lint)"
	case bytes.HasPrefix(t, []byte("{")) || bytes.HasPrefix(t, []byte("[")):
		return "JSON"
	case bytes.Count(t, []byte(",")) >= 10:
		return "comma-separated text (the IIS or NCSA log format? only W3C extended logs are read)"
	}
	return "text without a #Fields header: " + quote(t)
}

func validText(b []byte) bool {
	n := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' {
			n++
		}
	}
	return n == 0
}

// counter counts the bytes read from the underlying file, for progress.
type counter struct {
	r    io.Reader
	n    *int64
	tick func()
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	c.tick()
	return n, err
}
