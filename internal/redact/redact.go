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
	"slices"
	"strings"

	"github.com/arrfarm/arrfarm/schema"
)

// secretWords are the parts of a parameter name that say its value is a
// credential: passwords, secrets, tokens (OAuth access_token, id_token,
// CSRF tokens), API keys, session identifiers and the cookie of ASP.NET
// forms authentication (.ASPXAUTH).
var secretWords = []string{"password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "api-key",
	"sessionid", "session_id", "sessid", "credential", "aspxauth"}

// secretNames are names that are credentials only as a whole (or as the
// last dotted part): "key" is one, "monkey" and "keyboard" are not; sig is
// the signature of an Azure shared access signature.
var secretNames = []string{"sig", "signature", "auth", "key", "pass", "sid", "access_key", "client_key", "private_key"}

// Params replaces the value of every secret-named parameter in s by
// schema.Mask ("password=****"), whatever its length. A parameter is
// name=value, as in query strings, cookies (";+" between them in W3C
// logs), matrix parameters and --set assignments; the name is the run of
// letters, digits and _ . - [ ] before the "="; the value runs to the next
// &, ;, white space, quote, # or angle bracket (a "+" is a space inside a
// query value), less a trailing colon (the one after it in a message).
func Params(s string) string {
	eq := strings.IndexByte(s, '=')
	if eq < 0 {
		return s // the common case
	}
	var b strings.Builder
	last := 0 // s[:last] is written
	// Linear in len(s): names end at "=", which is no name character, so
	// no byte is part of two names; a value is scanned only after a
	// secret name, and the scan resumes past it.
	for eq >= 0 {
		i := last + eq
		b.WriteString(s[last : i+1])
		last = i + 1
		if secretName(s[nameStart(s, i):i]) {
			if n := valueLen(s[last:]); n > 0 {
				b.WriteString(schema.Mask)
				last += n
			}
		}
		eq = strings.IndexByte(s[last:], '=')
	}
	b.WriteString(s[last:])
	return b.String()
}

// nameStart is where the parameter name that ends at s[i] starts.
func nameStart(s string, i int) int {
	for i > 0 {
		c := s[i-1]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-[]", c) >= 0) {
			break
		}
		i--
	}
	return i
}

// valueLen is the length of the value at the start of v.
func valueLen(v string) int {
	n := strings.IndexAny(v, "&; \t\r\n\"'#<>")
	if n < 0 {
		n = len(v)
	}
	for n > 0 && v[n-1] == ':' {
		n--
	}
	return n
}

func secretName(name string) bool {
	if name == "" {
		return false
	}
	n := strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	if i := strings.LastIndexByte(n, '.'); i >= 0 && i < len(n)-1 {
		n = n[i+1:]
	}
	n = strings.Trim(n, "[]")
	return slices.Contains(secretNames, n)
}

// Printable is s with secret parameters, credentials and encrypted blobs
// masked and control characters escaped: the form of any text from a log,
// a trace or the command line on its way to output.
func Printable(s string) string { return schema.Printable(Params(s)) }
