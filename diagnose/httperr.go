package diagnose

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/arrfarm/arrfarm/iislog"
)

// maxReasons bounds the distinct s-reason values kept; HTTP.sys has a few
// dozen, so more means a damaged file.
const maxReasons = 256

// ErrorLog is what HTTP.sys's error logs (httperr*.log) say: connections
// and requests HTTP.sys ended itself, which the site's W3C log never
// shows. On the ARR server its 503s (QueueFull, AppOffline, ...) are
// requests ARR never saw, and Connection_Dropped /
// Connection_Abandoned_By_AppPool are requests lost while ARR's process
// held them.
type ErrorLog struct {
	Lines   int64
	Reasons []Reason
}

// Reason is one s-reason with its count and the status HTTP.sys sent
// (-1 when it sent none: a connection closed, not a request answered).
type Reason struct {
	Reason      string
	Count       int64
	Status      int
	First, Last int64
	// Meaning and Advice explain the reason; Evidence is set for the
	// reasons that are 502/503 evidence on an ARR server.
	Meaning, Advice string
	Evidence        bool
}

type reasonAcc struct {
	count, first, last int64
	status             int
}

type errorLog struct {
	lines   int64
	reasons map[string]*reasonAcc
	other   int64
}

func (e *errorLog) add(rec *iislog.Record) {
	e.lines++
	if e.reasons == nil {
		e.reasons = map[string]*reasonAcc{}
	}
	a := e.reasons[string(rec.Reason())]
	if a == nil {
		if len(e.reasons) >= maxReasons {
			e.other++
			return
		}
		a = &reasonAcc{status: -1}
		e.reasons[string(rec.Reason())] = a
	}
	a.count++
	if rec.Status >= 0 {
		a.status = rec.Status
	}
	if rec.Time > 0 {
		if a.first == 0 || rec.Time < a.first {
			a.first = rec.Time
		}
		a.last = max(a.last, rec.Time)
	}
}

func (e *errorLog) report(rep *Report) {
	if e.lines == 0 {
		return
	}
	out := &ErrorLog{Lines: e.lines}
	var evidence []string
	var n int64
	for name, a := range e.reasons {
		m := reasonMeaning(name)
		out.Reasons = append(out.Reasons, Reason{Reason: name, Count: a.count, Status: a.status, First: a.first, Last: a.last,
			Meaning: m.meaning, Advice: m.advice, Evidence: m.evidence})
		if m.evidence {
			evidence = append(evidence, name)
			n += a.count
		}
	}
	slices.SortFunc(out.Reasons, func(a, b Reason) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Reason, b.Reason))
	})
	rep.HTTPErr = out
	if e.other > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d HTTP.sys error log lines with more than %d distinct reasons are not grouped", e.other, maxReasons))
	}
	if n > 0 {
		slices.Sort(evidence)
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d HTTP.sys error log lines (%s) are requests HTTP.sys answered with 503 or dropped itself: they never reach the site's W3C log; on the ARR server they are failures ARR never saw or lost with its process", n, strings.Join(evidence, ", ")))
	}
}

type meaning struct {
	meaning, advice string
	evidence        bool
}

// reasons explains HTTP.sys's reason phrases after Microsoft's "Types of
// Errors Logged by the HTTP Server API" (learn.microsoft.com/windows/
// win32/http/types-of-errors-logged-by-the-http-server-api), TechNet's
// "Other HTTP.sys Error Log Errors" (cc759448) for the timers, and KB
// 937692 for Connection_Dropped. What each means on an ARR server is our
// reading of those pages, not Microsoft's statement (docs/architecture.md
// says how sure each one is).
var reasons = map[string]meaning{
	"Timer_ConnectionIdle": {"HTTP.sys closed a keep-alive connection that stayed idle past the connection timeout (the site's limits/@connectionTimeout, 2 minutes by default); no request was pending.",
		"Normal housekeeping. On the ARR server it matters only when a load balancer in front keeps idle connections open longer than this timeout and reuses one that IIS closed: its 502s then line up with these lines; set the load balancer's idle timeout below connectionTimeout.", false},
	"Timer_HeaderWait":        {"The request headers did not arrive within headerWaitTimeout.", "Slow or idle clients, or scanners; not ARR.", false},
	"Timer_EntityBody":        {"The request body did not arrive before the connection timed out.", "Slow uploads or clients that stopped sending; not ARR.", false},
	"Timer_MinBytesPerSecond": {"The client read the response slower than minBytesPerSecond (240 bytes/s by default), so HTTP.sys closed the connection.", "Slow or stalled clients; the W3C log may show the same requests with win32 64 or 1236.", false},
	"Timer_Response":          {"The response was not sent within the time limit.", "Look at what the application was doing for these URLs.", false},
	"Timer_AppPool": {"A request waited in the application pool's queue longer than the connection timeout: the pool did not take requests fast enough.",
		"On the ARR server the pool is ARR's own: look at its CPU, thread starvation and at backends slow enough to hold ARR's threads.", true},
	"Connection_Dropped": {"The client closed the connection before the response, with its log data, was complete, and IIS did not finish it within HTTP.sys's limit (1 minute); the request is logged here instead of in the site's log.",
		"On the ARR server these are often requests still waiting on a slow backend when the client gave up: compare their times with 502.3 / 12002 and long time-taken in the site's log.", true},
	"Connection_Abandoned_By_AppPool": {"The worker process crashed or closed its request queue with requests pending; those requests were lost.",
		"On the ARR server the process running ARR ended (crash or recycle) while holding requests: clients saw a reset, a load balancer in front a 502. Look at the System event log (WAS) and the pool's recycling settings.", true},
	"Connection_Abandoned_By_ReqQueue": {"The worker process crashed or closed its request queue with requests pending (Windows Vista / Server 2008 and later); those requests were lost.",
		"On the ARR server the process running ARR ended while holding requests. Look at the System event log (WAS) and the pool's recycling settings.", true},
	"QueueFull": {"503: the application pool's request queue was full (queueLength, 1000 by default).",
		"On the ARR server ARR's pool could not take requests as fast as they came: 503s ARR never saw. Look at the pool's queueLength and at what held ARR's threads (slow backends, timeouts).", true},
	"AppOffline":   {"503: the application pool was taken offline after its worker processes failed repeatedly (rapid-fail protection).", "Look at the System and Application event logs for the crashes; on the ARR server ARR's pool stopped.", true},
	"AppPoolTimer": {"503: the application pool's process was too busy to take the request.", "On the ARR server ARR's pool was saturated; look at its CPU and threads.", true},
	"AppShutdown":  {"503: the application shut down by administrator policy (idle timeout, recycling).", "Check the pool's idle timeout and recycling; on the ARR server ARR's pool was shutting down.", true},
	"ConnLimit":    {"503: the site's connection limit (limits/@maxConnections) was reached.", "Raise or remove the site's maxConnections; on the ARR server it caps the whole farm's traffic.", true},
	"Disabled":     {"503: an administrator took the application pool offline.", "Start the pool.", true},
	"N/A":          {"503: the service was unavailable because of an internal error (such as a failed memory allocation).", "Look at the server's memory and the System event log.", true},
	"Internal":     {"500: HTTP.sys had an internal error.", "Look at the System event log.", false},
	"N/I":          {"501: not implemented, e.g. an unknown Transfer-Encoding.", "A client sent something HTTP.sys does not implement; not ARR.", false},
	"NotFound":     {"404: HTTP.sys found no site bound to the request's address, port and host name.", "Check the site bindings (and the host name clients or the load balancer send).", false},
	"Hostname":     {"400: the Host header is not valid.", "Clients or scanners sending a bad Host header; not ARR.", false},
	"Client_Reset": {"The client reset the connection.", "Clients that went away; compare with win32 64 in the site's log.", false},
}

// parseErrors are HTTP.sys's reasons for requests it refused as
// malformed (400 class) before IIS saw them.
var parseErrors = []string{"BadRequest", "Verb", "URL", "URL_Length", "Header", "Invalid_CR/LF", "Number", "FieldLength",
	"RequestLength", "Forbidden", "LengthRequired", "Precondition", "EntityTooLarge", "Version_N/S"}

func reasonMeaning(name string) meaning {
	if m, ok := reasons[name]; ok {
		return m
	}
	if slices.Contains(parseErrors, name) {
		return meaning{"HTTP.sys refused a malformed or oversized request (" + name + ") before IIS saw it.", "Clients or scanners; not ARR.", false}
	}
	return meaning{"HTTP.sys reason " + printableReason(name) + ".", "See Microsoft's list of HTTP.sys reason phrases (Types of Errors Logged by the HTTP Server API).", false}
}

func printableReason(name string) string {
	if name == "" {
		return "(none)"
	}
	return name
}
