// Package redact makes text that arrfarm did not write itself safe to
// print: what schema.Printable masks and escapes (URL and address
// credentials, [enc:...:enc] blobs, control characters), plus the values
// of parameters whose names say they are secret (password=..., token=...),
// as they appear in the query strings, cookies and URLs that IIS logs and
// failed-request traces hold, and in command-line assignments.
//
// schema masks what a configuration can hold; logs add query strings and
// cookies, which a configuration rarely has. It imports only schema.
package redact

import (
	"regexp"
	"strings"

	"github.com/arrfarm/arrfarm/schema"
)

// secretParam matches name=value where the name says the value is a
// credential: passwords, secrets, tokens (OAuth access_token, id_token,
// CSRF tokens), API keys, session identifiers and the cookies of ASP.NET
// forms authentication (.ASPXAUTH) and sessions (ASP.NET_SessionId), the
// signature of an Azure shared access signature (sig=), and auth=. The
// name starts after a separator of query strings (?, &), cookies and
// matrix parameters (;), W3C's space (+), quotes or whitespace, so that
// "author=" or "monkey=" in a path is not taken for one. The value runs
// to the next separator; "+" stays in it, since it is a space in a query
// value.
var secretParam = regexp.MustCompile(`(?i)(^|[?&;+\s"',(/])(` +
	`[a-z0-9_.\-\[\]]*(?:password|passwd|pwd|secret|token|api_?key|api-key|sessionid|session_id|credential|aspxauth)[a-z0-9_.\-\[\]]*` +
	`|sig|signature|auth|key|access_key|client_key|private_key|sid)=([^&;\s"'#<>]+)`)

// Params replaces the value of every secret-named parameter in s by
// schema.Mask ("password=****"), whatever its length.
func Params(s string) string {
	if !strings.Contains(s, "=") {
		return s // the common case, without the expression
	}
	return secretParam.ReplaceAllString(s, "${1}${2}="+schema.Mask)
}

// Printable is s with secret parameters, credentials and encrypted blobs
// masked and control characters escaped: the form of any text from a log,
// a trace or the command line on its way to output.
func Printable(s string) string { return schema.Printable(Params(s)) }
