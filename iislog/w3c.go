// Package iislog reads what IIS writes about requests: W3C extended log
// files (u_ex*.log, plain or gzipped, in W3SVC* directories) and
// failed-request traces (fr*.xml). It streams in bounded memory, finds
// fields by name in each #Fields block, and counts a line that does not
// fit its header instead of failing on it.
//
// It imports no other package of the project: every command that reads
// logs (diagnose, lint --latency, empirical latency, replay) sits above it.
package iislog

import (
	"bytes"
	"strconv"
	"strings"
	"time"
)

// Known fields get an index in every header, so the common accessors of a
// Record cost a slice index, not a map lookup.
const (
	fDate = iota
	fTime
	fServerIP
	fComputer
	fSiteName
	fMethod
	fURIStem
	fURIQuery
	fClientIP
	fHost
	fStatus
	fSubStatus
	fWin32
	fTimeTaken
	fURI
	fReason
	nKnown
)

var knownNames = [nKnown]string{
	fDate: "date", fTime: "time", fServerIP: "s-ip", fComputer: "s-computername", fSiteName: "s-sitename",
	fMethod: "cs-method", fURIStem: "cs-uri-stem", fURIQuery: "cs-uri-query", fClientIP: "c-ip",
	fHost: "cs-host", fStatus: "sc-status", fSubStatus: "sc-substatus", fWin32: "sc-win32-status",
	fTimeTaken: "time-taken", fURI: "cs-uri", fReason: "s-reason",
}

// Header is one #Fields line: the names of the fields of the lines that
// follow it, until the next #Fields line.
type Header struct {
	Fields []string
	// Kind is what the block logs; a Reader returns records of request
	// logs only, and of HTTP.sys error logs when asked to.
	Kind  Kind
	index map[string]int
	known [nKnown]int // -1: not in this header
}

func parseHeader(spec []byte) *Header {
	h := &Header{index: map[string]int{}}
	for f := range strings.FieldsSeq(string(spec)) {
		h.index[strings.ToLower(f)] = len(h.Fields)
		h.Fields = append(h.Fields, f)
	}
	for k, name := range knownNames {
		h.known[k] = -1
		if i, ok := h.index[name]; ok {
			h.known[k] = i
		}
	}
	return h
}

// Has says whether the header has the named field (case-insensitive).
func (h *Header) Has(name string) bool {
	_, ok := h.index[strings.ToLower(name)]
	return ok
}

// Split says how a record's line was cut into fields.
type Split uint8

const (
	// SplitSingle: one space between fields, as IIS writes them.
	SplitSingle Split = iota
	// SplitRuns: the line had runs of spaces or tabs (a log edited or
	// written by another tool); splitting on runs made it fit.
	SplitRuns
	// SplitQuoted: the line had a quoted value with spaces in it
	// ("Mozilla/4.5 [en] (WinNT; I)"), read as one field without its
	// quotes.
	SplitQuoted
)

// Record is one request line. Its byte slices point into the reader's
// buffer and are valid only until the next call to Next; copy what you
// keep (String does).
type Record struct {
	// File and Line say where the record is (1-based line).
	File string
	Line int64
	// Time is the request's completion time in Unix seconds, UTC (IIS
	// writes date and time in UTC whatever the rollover setting); 0
	// without date and time fields.
	Time int64
	// Status, SubStatus and Win32 are sc-status, sc-substatus and
	// sc-win32-status; -1 when the field is missing or empty.
	Status, SubStatus int
	Win32             int64
	// TimeTaken is time-taken in milliseconds; -1 when missing or empty.
	TimeTaken int64

	// Split says how the line was cut into fields.
	Split Split
	// DayFromDirective is set when the log has no date field and the
	// day came from the #Date directive above the line.
	DayFromDirective bool

	hdr    *Header
	fields [][]byte
}

// Header is the #Fields block the record belongs to.
func (r *Record) Header() *Header { return r.hdr }

// Kind is what the record's block logs.
func (r *Record) Kind() Kind { return r.hdr.Kind }

// HasStatus says whether the log has an sc-status field: without one,
// Status is -1 on every line and says nothing about the request.
func (r *Record) HasStatus() bool { return r.hdr.known[fStatus] >= 0 }

// Timestamp is Time as a time.Time in UTC.
func (r *Record) Timestamp() time.Time { return time.Unix(r.Time, 0).UTC() }

// TimeTakenDuration is time-taken as a Duration (negative when missing).
func (r *Record) TimeTakenDuration() time.Duration {
	return time.Duration(r.TimeTaken) * time.Millisecond
}

func (r *Record) raw(k int) []byte {
	if i := r.hdr.known[k]; i >= 0 {
		return r.fields[i]
	}
	return nil
}

// URIStem, ClientIP, ServerIP, Computer and Method return the raw bytes of
// those fields ("-" already empty, "+" not yet decoded); nil when absent.
// They do not allocate: use them as map keys with string(b) in the index.
func (r *Record) URIStem() []byte  { return r.raw(fURIStem) }
func (r *Record) ClientIP() []byte { return r.raw(fClientIP) }
func (r *Record) ServerIP() []byte { return r.raw(fServerIP) }
func (r *Record) Computer() []byte { return r.raw(fComputer) }
func (r *Record) Method() []byte   { return r.raw(fMethod) }

// URIPath is cs-uri-stem, or the path of cs-uri (up to its "?") in logs
// that write the whole URI instead; nil when the log has neither.
func (r *Record) URIPath() []byte {
	if b := r.raw(fURIStem); b != nil || r.hdr.known[fURI] < 0 {
		return b
	}
	b := r.raw(fURI)
	if i := bytes.IndexByte(b, '?'); i >= 0 {
		b = b[:i]
	}
	return b
}

// Reason is an HTTP.sys error log line's s-reason (Timer_ConnectionIdle,
// QueueFull, ...); nil in other logs.
func (r *Record) Reason() []byte { return r.raw(fReason) }

// Get returns the named field (case-insensitive) decoded: "-" is empty and
// "+" a space. "" when the header has no such field.
func (r *Record) Get(name string) string {
	i, ok := r.hdr.index[strings.ToLower(name)]
	if !ok {
		return ""
	}
	return Decode(r.fields[i])
}

// Decode turns a W3C field value into text: "+" stands for a space (IIS
// encodes spaces that way, so a literal "+" is not distinguishable).
func Decode(b []byte) string {
	if bytes.IndexByte(b, '+') < 0 {
		return string(b)
	}
	return strings.ReplaceAll(string(b), "+", " ")
}

// parse splits line into r.fields by h and decodes the known numeric
// fields. It returns a reason when the line does not fit its header.
func (r *Record) parse(line []byte, h *Header, days *dayCache) string {
	r.hdr = h
	r.Split = SplitSingle
	r.DayFromDirective = false
	r.fields = r.fields[:0]
	orig := line
	for len(line) > 0 {
		i := bytes.IndexByte(line, ' ')
		var f []byte
		if i < 0 {
			f, line = line, nil
		} else {
			f, line = line[:i], line[i+1:]
		}
		if len(f) == 1 && f[0] == '-' {
			f = f[:0]
		}
		r.fields = append(r.fields, f)
		if len(r.fields) > len(h.Fields) {
			break
		}
	}
	if len(r.fields) != len(h.Fields) {
		why := ""
		if len(r.fields) > len(h.Fields) {
			why = "more fields than the #Fields line (" + strconv.Itoa(len(h.Fields)) + ")"
		} else {
			why = strconv.Itoa(len(r.fields)) + " fields, the #Fields line has " + strconv.Itoa(len(h.Fields))
		}
		// Off the hot path: only a line that does not fit is looked at
		// again.
		if !r.splitLoose(orig, h) {
			return why
		}
	}
	var ok bool
	r.Time = 0
	if d, t := r.raw(fDate), r.raw(fTime); d != nil && t != nil {
		day, ok := days.day(d)
		if !ok {
			return "date " + quote(d) + " is not yyyy-mm-dd"
		}
		secs, ok := clock(t)
		if !ok {
			return "time " + quote(t) + " is not hh:mm:ss"
		}
		r.Time = day + secs
	} else if t != nil && d == nil && days.directive != 0 {
		secs, ok := clock(t)
		if !ok {
			return "time " + quote(t) + " is not hh:mm:ss"
		}
		r.Time = days.fromDirective(secs)
		r.DayFromDirective = true
	}
	if r.Status, ok = small(r.raw(fStatus)); !ok {
		return "sc-status " + quote(r.raw(fStatus)) + " is not a number"
	}
	if r.SubStatus, ok = small(r.raw(fSubStatus)); !ok {
		return "sc-substatus " + quote(r.raw(fSubStatus)) + " is not a number"
	}
	if r.Win32, ok = number(r.raw(fWin32)); !ok {
		return "sc-win32-status " + quote(r.raw(fWin32)) + " is not a number"
	}
	if r.TimeTaken, ok = number(r.raw(fTimeTaken)); !ok {
		return "time-taken " + quote(r.raw(fTimeTaken)) + " is not a number of milliseconds"
	}
	return ""
}

// splitLoose cuts a line that did not fit its header the way other
// readers of IIS logs do (plaso, lnav): on runs of spaces and tabs, with
// a value in double quotes as one field. It keeps the result only when
// the field count then matches the header; otherwise the line stays
// malformed with the first reason.
func (r *Record) splitLoose(line []byte, h *Header) bool {
	quoted := bytes.IndexByte(line, '"') >= 0
	if !quoted && !bytes.Contains(line, []byte("  ")) && bytes.IndexByte(line, '\t') < 0 {
		return false
	}
	r.fields = r.fields[:0]
	split := SplitRuns
	for {
		for len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			line = line[1:]
		}
		if len(line) == 0 {
			break
		}
		var f []byte
		end := bytes.IndexAny(line, " \t")
		if line[0] == '"' {
			if q := bytes.IndexByte(line[1:], '"'); q >= 0 && (q+2 == len(line) || line[q+2] == ' ' || line[q+2] == '\t') {
				f, line = line[1:q+1], line[q+2:]
				if bytes.IndexAny(f, " \t") >= 0 {
					split = SplitQuoted
				}
				r.fields = append(r.fields, f)
				if len(r.fields) > len(h.Fields) {
					return false
				}
				continue
			}
		}
		if end < 0 {
			f, line = line, nil
		} else {
			f, line = line[:end], line[end:]
		}
		if len(f) == 1 && f[0] == '-' {
			f = f[:0]
		}
		r.fields = append(r.fields, f)
		if len(r.fields) > len(h.Fields) {
			return false
		}
	}
	if len(r.fields) != len(h.Fields) {
		return false
	}
	r.Split = split
	return true
}

// quote shows a value in a message, cut to 40 bytes. Whoever prints the
// message masks the credentials in it, which it recognises by their end
// ("user:password@", "[enc:...:enc]"): a cut that keeps a credential's
// start without its end would show its first bytes unmasked. So a word
// cut before one of its "@" is left out whole, and so is an encrypted
// blob cut before its end.
func quote(b []byte) string {
	const keep = 40
	b, dropped := dropCredential(b)
	if len(b) <= keep {
		if dropped {
			return strconv.Quote(string(b) + "...")
		}
		return strconv.Quote(string(b))
	}
	cut := keep
	start := bytes.LastIndexAny(b[:cut], " \t") + 1
	end := len(b)
	if i := bytes.IndexAny(b[cut:], " \t"); i >= 0 {
		end = cut + i
	}
	if bytes.IndexByte(b[cut:end], '@') >= 0 {
		cut = start
	}
	if i := bytes.LastIndex(b[:cut], []byte("[enc:")); i >= 0 && bytes.IndexByte(b[i:cut], ']') < 0 {
		cut = i // an encrypted blob may hold spaces
	}
	return strconv.Quote(string(b[:cut]) + "...")
}

// authSchemes are the HTTP authentication schemes whose credentials
// follow them in an Authorization header.
var authSchemes = []string{"basic ", "bearer ", "negotiate ", "ntlm ", "digest "}

// secretHeaderWords mark a header ("Name: value") whose value is a
// credential: Authorization, Proxy-Authorization, Cookie, X-Api-Key, ...
var secretHeaderWords = []string{"auth", "cookie", "key", "token", "secret", "password", "session"}

// dropCredential cuts b before a credential that has no end a printer
// could recognise: the value of a secret-named header line
// ("Authorization: Basic dXNl..." keeps "Authorization:") and whatever
// follows an authentication scheme. It says whether it cut.
func dropCredential(b []byte) ([]byte, bool) {
	if c := bytes.IndexByte(b, ':'); c > 0 && c < 64 {
		name := b[:c]
		header := true
		for _, ch := range name {
			if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_') {
				header = false
				break
			}
		}
		if header {
			lower := strings.ToLower(string(name))
			for _, w := range secretHeaderWords {
				if strings.Contains(lower, w) {
					return b[:c+1], true
				}
			}
		}
	}
	lower := bytes.ToLower(b)
	cut := -1
	for _, s := range authSchemes {
		if i := bytes.Index(lower, []byte(s)); i >= 0 && (cut < 0 || i < cut) {
			cut = i + len(s)
		}
	}
	if cut >= 0 && cut < len(b) {
		return b[:cut], true
	}
	return b, false
}

// number parses a non-negative decimal; an empty or absent field is -1.
func number(b []byte) (int64, bool) {
	if len(b) == 0 {
		return -1, true
	}
	if len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func small(b []byte) (int, bool) {
	if len(b) > 9 {
		return 0, false
	}
	n, ok := number(b)
	return int(n), ok
}

// dayCache remembers the last date field, which changes once a day.
type dayCache struct {
	last []byte
	unix int64
	// directive is midnight (Unix seconds) of the day of the last #Date
	// directive, 0 when the file has none yet; prev is the time of day
	// of the last line dated from it.
	directive, prev int64
}

// setDirective takes the day from a #Date directive ("yyyy-mm-dd
// hh:mm:ss"), for logs without a date field.
func (c *dayCache) setDirective(v []byte) {
	v = bytes.TrimSpace(v)
	c.directive, c.prev = 0, 0
	if len(v) < 10 {
		return
	}
	var d dayCache
	day, ok := d.day(v[:10])
	if !ok {
		return
	}
	c.directive = day
	if len(v) >= 19 {
		if secs, ok := clock(v[11:19]); ok {
			c.prev = secs
		}
	}
}

// fromDirective dates a time of day by the #Date directive. IIS writes
// #Date only with a header block, so a day's lines can run past midnight
// under one directive (a log that rolls over by size, not by day): a time
// of day more than 12 hours before the previous line's starts the next
// day.
func (c *dayCache) fromDirective(secs int64) int64 {
	if secs+12*3600 < c.prev {
		c.directive += 86400
	}
	c.prev = secs
	return c.directive + secs
}

func (c *dayCache) day(b []byte) (int64, bool) {
	if c.last != nil && bytes.Equal(b, c.last) {
		return c.unix, true
	}
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	y, ok1 := digits(b[0:4])
	m, ok2 := digits(b[5:7])
	d, ok3 := digits(b[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, false
	}
	c.unix = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix()
	c.last = append(c.last[:0], b...)
	return c.unix, true
}

func clock(b []byte) (int64, bool) {
	// hh:mm:ss, optionally with a fraction (some writers add one).
	if len(b) < 8 || b[2] != ':' || b[5] != ':' {
		return 0, false
	}
	h, ok1 := digits(b[0:2])
	m, ok2 := digits(b[3:5])
	s, ok3 := digits(b[6:8])
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || s > 60 {
		return 0, false
	}
	return int64(h*3600 + m*60 + s), true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
