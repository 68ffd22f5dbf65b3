package iislog

import (
	"path/filepath"
	"strings"
)

// Kind says what a W3C-format file logs. IIS, HTTP.sys and Windows write
// several kinds in the same directive-and-fields format, and some of them
// sit next to the request logs (LogFiles/FTPSVC2 beside LogFiles/W3SVC1):
// the #Software directive and the field names tell them apart, not the
// file name.
type Kind uint8

const (
	// KindHTTP is a web site's request log (u_ex*.log under W3SVC*).
	KindHTTP Kind = iota
	// KindHTTPErr is HTTP.sys's error log (httperr*.log): connections
	// and requests HTTP.sys ended itself, with a reason (s-reason) such
	// as Timer_ConnectionIdle or QueueFull. It is read only when
	// Options.ErrorLogs asks for it.
	KindHTTPErr
	// KindFTP is the IIS FTP service's log (u_ex*.log under FTPSVC*):
	// its statuses are FTP replies (530 = not logged in), not HTTP ones.
	KindFTP
	// KindFirewall is Windows Firewall's log (pfirewall.log): packets.
	KindFirewall
	// KindOther is any other W3C log without the fields of a request.
	KindOther
)

func (k Kind) String() string {
	switch k {
	case KindHTTP:
		return "HTTP request log"
	case KindHTTPErr:
		return "HTTP.sys error log"
	case KindFTP:
		return "FTP log"
	case KindFirewall:
		return "Windows Firewall log"
	}
	return "W3C log of another kind"
}

// classify tells the kind of a header block from the file's #Software
// directive (lower case, "" when none came before), its fields and, for
// FTP logs whose #Software is the web server's ("Microsoft Internet
// Information Services 10.0"), the folder IIS writes them to. It returns
// why a block that is not a request log is not one.
func classify(software string, h *Header, name string) (Kind, string) {
	switch {
	case h.Has("s-reason"):
		return KindHTTPErr, "an HTTP.sys error log (field s-reason): it records connections HTTP.sys ended itself, not requests IIS answered"
	case h.Has("x-session") || h.Has("x-fullpath") || strings.Contains(software, "ftp") || inFTPFolder(name):
		return KindFTP, "an FTP log (" + ftpEvidence(software, h, name) + "): its statuses are FTP replies (530 = not logged in, 550 = file unavailable), not HTTP statuses"
	case strings.Contains(software, "firewall") || (h.Has("action") && (h.Has("src-ip") || h.Has("dst-ip"))):
		return KindFirewall, "a Windows Firewall log (fields action, src-ip, dst-ip): it records packets, not HTTP requests"
	case h.known[fStatus] < 0 && h.known[fURIStem] < 0 && h.known[fURI] < 0 && h.known[fMethod] < 0 && h.known[fTimeTaken] < 0:
		return KindOther, "a W3C log with none of the fields of an HTTP request (sc-status, cs-uri-stem, cs-uri, cs-method, time-taken)"
	}
	return KindHTTP, ""
}

func ftpEvidence(software string, h *Header, name string) string {
	switch {
	case h.Has("x-session") || h.Has("x-fullpath"):
		return "fields x-session, x-fullpath"
	case strings.Contains(software, "ftp"):
		return "#Software names the FTP service"
	}
	return "in an FTPSVC folder"
}

// inFTPFolder says whether the file sits in a folder IIS writes FTP logs
// to: FTPSVC<n> (IIS 7 and later) or MSFTPSVC<n> (IIS 6).
func inFTPFolder(name string) bool {
	dir := filepath.ToSlash(filepath.Dir(strings.ReplaceAll(name, `\`, "/")))
	for _, part := range strings.Split(dir, "/") {
		p := strings.ToUpper(part)
		if strings.HasPrefix(p, "FTPSVC") || strings.HasPrefix(p, "MSFTPSVC") {
			return true
		}
	}
	return false
}

// DefaultFields is the field set IIS 8.5 and later log by default
// (logExtFileFlags Date, Time, ServerIP, Method, UriStem, UriQuery,
// ServerPort, UserName, ClientIP, UserAgent, Referer, HttpStatus,
// HttpSubStatus, Win32Status, TimeTaken), in the order IIS writes them.
const DefaultFields = "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken"

var defaultHeader = parseHeader([]byte(DefaultFields))

// SkippedFile is a file, or the rest of one, that is not an HTTP request
// log and was not read.
type SkippedFile struct {
	File   string
	Kind   Kind
	Reason string
}

func (s SkippedFile) String() string { return s.File + " is " + s.Reason + "; not read" }

// Assumed is a file without a #Fields line that was read with a field
// set given by the caller (Options.Fields) or, when its lines fit it,
// with IIS's default set.
type Assumed struct {
	File   string
	Fields string
	// Default is set when the fields are IIS's default set, not the
	// caller's.
	Default bool
}
