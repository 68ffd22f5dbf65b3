package iislog

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// MaxTraceBytes bounds one failed-request trace. IIS's own traces are tens
// or hundreds of kilobytes.
const MaxTraceBytes = 64 << 20

// maxEvents bounds the events a Trace keeps; the rest are counted.
const maxEvents = 10000

// MaxTraceDepth bounds element nesting, as the configuration reader's
// limit does: a trace is failedRequest > Event > EventData > Data, five
// or six levels, and encoding/xml keeps state for every open element, so
// a file of nothing but nested elements would cost memory and time out of
// proportion to its size.
const MaxTraceDepth = 128

// Trace is one failed-request trace (FREB, fr*.xml).
type Trace struct {
	File string
	// From the failedRequest element.
	URL, Verb, FailureReason string
	// Status and SubStatus: the final ones from GENERAL_REQUEST_END when
	// the trace has it, else failedRequest's statusCode ("502" or
	// "502.3"). SubStatus is -1 when neither says.
	Status, SubStatus int
	// Win32 is the WinHTTP or Win32 code of the last event that reported
	// a failing ErrorCode (an HRESULT such as 0x80072EE2 = 12002), -1
	// when none did.
	Win32 int64
	// TimeTaken is failedRequest's timeTaken, in milliseconds.
	TimeTaken int64
	// Time is the first event's time, Unix seconds UTC (0 without events).
	Time int64
	// Farm and Server are where ARR routed the request
	// (ARR_REQUEST_ROUTED's WebFarm, ARR_SERVER_ROUTED's Server); empty
	// when the trace has no ARR routing event.
	Farm, Server, RoutingReason string
	// Events in order (at most 10000 kept; EventCount counts all).
	Events     []Event
	EventCount int
}

// Event is one trace event: its name (RenderingInfo/Opcode, e.g.
// GENERAL_REQUEST_END) and its data fields in order.
type Event struct {
	Name string
	Data []Field
}

// Field is a named value of an event.
type Field struct{ Name, Value string }

// Get returns the value of the named data field, "" when absent.
func (e *Event) Get(name string) string {
	for _, f := range e.Data {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// ReadTrace reads a failed-request trace from r; name is used in errors.
// It reads at most MaxTraceBytes.
func ReadTrace(name string, r io.Reader) (*Trace, error) {
	lr := &io.LimitedReader{R: r, N: MaxTraceBytes + 1}
	dec := xml.NewDecoder(lr)
	dec.Strict = false
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		// Traces are UTF-8; accept a mislabelled one rather than refuse it.
		return in, nil
	}
	t := &Trace{File: name, Status: -1, SubStatus: -1, Win32: -1, TimeTaken: -1}
	var (
		root      bool
		ev        *Event
		inRender  bool
		text      strings.Builder
		capture   bool
		dataName  string
		opcode    bool
		endStatus = -1
		endSub    = -1
		depth     int
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if lr.N <= 0 {
				return nil, fmt.Errorf("reading trace %s: larger than %d MiB", name, MaxTraceBytes>>20)
			}
			if !root {
				return nil, fmt.Errorf("%s is not a failed-request trace: %v", name, err)
			}
			return nil, fmt.Errorf("reading trace %s: %w (the file is truncated or damaged)", name, err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if depth++; depth > MaxTraceDepth {
				line, col := dec.InputPos()
				what := "reading trace " + name
				if !root {
					what = name + " is not a failed-request trace"
				}
				return nil, fmt.Errorf("%s: elements nested deeper than %d levels at line %d, column %d: a failed-request trace is a few levels deep", what, MaxTraceDepth, line, col)
			}
			switch x.Name.Local {
			case "failedRequest":
				root = true
				for _, a := range x.Attr {
					switch a.Name.Local {
					case "url":
						t.URL = a.Value
					case "verb":
						t.Verb = a.Value
					case "failureReason":
						t.FailureReason = a.Value
					case "statusCode":
						t.Status, t.SubStatus = statusCode(a.Value)
					case "timeTaken":
						if n, err := strconv.ParseInt(a.Value, 10, 64); err == nil {
							t.TimeTaken = n
						}
					}
				}
			case "Event":
				if !root {
					continue
				}
				ev = &Event{}
			case "TimeCreated":
				if ev != nil && t.Time == 0 {
					for _, a := range x.Attr {
						if a.Name.Local == "SystemTime" {
							if tm, err := time.Parse(time.RFC3339Nano, a.Value); err == nil {
								t.Time = tm.Unix()
							}
						}
					}
				}
			case "RenderingInfo":
				inRender = true
			case "Opcode":
				if ev != nil && inRender {
					opcode, capture = true, true
					text.Reset()
				}
			case "Data":
				if ev != nil && !inRender {
					dataName = ""
					for _, a := range x.Attr {
						if a.Name.Local == "Name" {
							dataName = a.Value
						}
					}
					capture = true
					text.Reset()
				}
			}
		case xml.CharData:
			if capture && text.Len() < 1<<16 {
				text.Write(x)
			}
		case xml.EndElement:
			depth--
			switch x.Name.Local {
			case "Data":
				if ev != nil && capture && !opcode {
					ev.Data = append(ev.Data, Field{dataName, strings.TrimSpace(text.String())})
				}
				capture = false
			case "Opcode":
				if ev != nil && opcode {
					ev.Name = strings.TrimSpace(text.String())
				}
				opcode, capture = false, false
			case "RenderingInfo":
				inRender = false
			case "Event":
				if ev == nil {
					continue
				}
				t.EventCount++
				t.event(ev, &endStatus, &endSub)
				if len(t.Events) < maxEvents {
					t.Events = append(t.Events, *ev)
				}
				ev = nil
			}
		}
	}
	if !root {
		return nil, fmt.Errorf("%s is not a failed-request trace: no failedRequest element", name)
	}
	if endStatus >= 0 {
		t.Status, t.SubStatus = endStatus, endSub
	}
	return t, nil
}

// event takes what the summary needs from one event.
func (t *Trace) event(e *Event, endStatus, endSub *int) {
	switch e.Name {
	case "GENERAL_REQUEST_END":
		if s, err := strconv.Atoi(e.Get("HttpStatus")); err == nil {
			*endStatus = s
			*endSub = -1
			if ss, err := strconv.Atoi(e.Get("HttpSubStatus")); err == nil {
				*endSub = ss
			}
		}
	case "ARR_REQUEST_ROUTED":
		if v := e.Get("WebFarm"); v != "" {
			t.Farm = v
		}
		if v := e.Get("Server"); v != "" && t.Server == "" {
			t.Server = v
		}
		if v := e.Get("RoutingReason"); v != "" {
			t.RoutingReason = v
		}
	case "ARR_SERVER_ROUTED":
		// The server ARR chose for this request; it wins over the
		// request-routed event's.
		if v := e.Get("Server"); v != "" {
			t.Server = v
		}
		if v := e.Get("RoutingReason"); v != "" {
			t.RoutingReason = v
		}
	}
	if code, ok := HRESULT(e.Get("ErrorCode")); ok && code != 0 {
		t.Win32 = code
	}
}

// statusCode reads "502" or "502.3".
func statusCode(s string) (int, int) {
	st, sub, dotted := strings.Cut(strings.TrimSpace(s), ".")
	n, err := strconv.Atoi(st)
	if err != nil {
		return -1, -1
	}
	if !dotted {
		return n, -1
	}
	m, err := strconv.Atoi(sub)
	if err != nil {
		return n, -1
	}
	return n, m
}

// HRESULT reads an error code as FREB writes it: an HRESULT in hex
// (0x80072EE2) or decimal (2147954402), or a bare Win32 code. A
// FACILITY_WIN32 HRESULT (0x8007xxxx) yields its code (12002); other
// HRESULTs are returned whole.
func HRESULT(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	var v uint64
	var err error
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		v, err = strconv.ParseUint(h, 16, 32)
	} else {
		v, err = strconv.ParseUint(s, 10, 32)
	}
	if err != nil {
		return 0, false
	}
	if v&0xFFFF0000 == 0x80070000 {
		return int64(v & 0xFFFF), true
	}
	return int64(v), true
}
