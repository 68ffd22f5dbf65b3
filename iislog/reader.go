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
}

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
	// Malformed counts request lines that do not; Problems holds the
	// first MaxProblems of them.
	Malformed int64
	Problems  []Problem
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
	seen   bool // a #Fields line or a record was seen in this file
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
	return &Reader{names: names, opts: opts}
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
		if rest, ok := bytes.CutPrefix(line, []byte("#Fields:")); ok {
			r.hdr = parseHeader(rest)
			r.stats.Headers++
		}
		return false
	}
	if r.hdr == nil {
		if !r.seen && r.line == 1 {
			r.err = fmt.Errorf("%s is not a W3C extended log (no #Fields line before the first request): it looks like %s", r.name, Sniff(line))
			return false
		}
		r.malformed("request line before any #Fields line")
		return false
	}
	r.seen = true
	r.rec.File, r.rec.Line = r.name, r.line
	if why := r.rec.parse(line, r.hdr, &r.days); why != "" {
		r.malformed(why)
		return false
	}
	r.stats.Records++
	return true
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
