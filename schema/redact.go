package schema

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Mask stands in for a secret in every output. Its length is fixed so that
// it tells nothing about the secret's length.
const Mask = "****"

// secretName reports whether an attribute or key of this name holds a
// secret whatever element it is on (adminPassword, clientCertPassword, a
// misspelt or unknown password attribute in another section).
func secretName(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "password") || strings.Contains(n, "pwd") || strings.Contains(n, "secret")
}

var (
	// encBlob matches an IIS encrypted value.
	encBlob = regexp.MustCompile(`\[enc:[^\]]*?:enc\]`)
	// urlCreds matches the user information of a URL: the scheme, then
	// everything up to the last "@" before the path (a password may hold
	// an unescaped "@").
	urlCreds = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://)([^/?#\s"'<>]*)@`)
	// hostCreds matches "user:password@" without a scheme, as written in
	// a server address or a path (/mnt/user:password@share, \\user:pw@host).
	// An e-mail address has no colon and is left alone.
	hostCreds = regexp.MustCompile(`(^|[\s"'=(\[{,/\\])([^\s@/\\:"'=(\[{,]+:[^\s@/\\"']*)@`)
)

// secretRanges returns the byte ranges of text that are secret: encrypted
// blobs, URL or address credentials, and the values of secret-named
// parameters. Ranges are sorted and disjoint.
func secretRanges(text []byte) [][2]int {
	rs := paramRanges(text)
	if bytes.IndexByte(text, '@') < 0 && !bytes.Contains(text, []byte("[enc:")) {
		return rs // the common case, without running the expressions
	}
	for _, m := range encBlob.FindAllIndex(text, -1) {
		rs = append(rs, [2]int{m[0], m[1]})
	}
	for _, m := range urlCreds.FindAllSubmatchIndex(text, -1) {
		rs = append(rs, [2]int{m[4], m[5]})
	}
	for _, m := range hostCreds.FindAllSubmatchIndex(text, -1) {
		rs = append(rs, [2]int{m[4], m[5]})
	}
	return mergeRanges(rs)
}

// secretWords are the parts of a parameter name that say its value is a
// credential: passwords, secrets, tokens (OAuth access_token, id_token,
// CSRF tokens), API keys, session identifiers, the cookie of ASP.NET
// forms authentication (.ASPXAUTH).
var secretWords = []string{"password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "api-key",
	"sessionid", "session_id", "sessid", "credential", "aspxauth"}

// secretNames are names that are credentials only as a whole (or as the
// last dotted part): "key" is one, "monkey" and "keyboard" are not; sig is
// the signature of an Azure shared access signature. The keys of Azure
// connection strings are here too, whole: Storage's AccountKey, Service
// Bus and Event Hubs' SharedAccessKey, a SharedAccessSignature; not
// SharedAccessKeyName, which names the key and is no secret.
var secretNames = []string{"sig", "signature", "auth", "key", "pass", "sid", "access_key", "client_key", "private_key",
	"accountkey", "sharedaccesskey", "accesskey", "sharedaccesssignature"}

// paramRanges returns the values of secret-named parameters in text. A
// parameter is name=value, as in query strings, cookies (";+" between
// them in W3C logs), matrix parameters, connection strings and --set
// assignments; the name is the run of letters, digits and _ . - [ ]
// before the "="; the value runs to the next &, ;, white space, quote, #
// or angle bracket (a "+" is a space inside a query value), less a
// trailing colon (the one after it in a message).
//
// Linear in len(text): names end at "=", which is no name character, so
// no byte is part of two names; a value is scanned only after a secret
// name, and the scan resumes past it.
func paramRanges(text []byte) [][2]int {
	var rs [][2]int
	for i := 0; i < len(text); {
		eq := bytes.IndexByte(text[i:], '=')
		if eq < 0 {
			break
		}
		at := i + eq
		i = at + 1
		if !secretParam(text[paramStart(text, at):at]) {
			continue
		}
		if n := paramValueLen(text[i:]); n > 0 {
			rs = append(rs, [2]int{i, i + n})
			i += n
		}
	}
	return rs
}

// paramStart is where the parameter name that ends at text[i] starts.
func paramStart(text []byte, i int) int {
	for i > 0 {
		c := text[i-1]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-[]", c) >= 0) {
			break
		}
		i--
	}
	return i
}

// paramValueLen is the length of the parameter value at the start of v.
func paramValueLen(v []byte) int {
	n := bytes.IndexAny(v, "&; \t\r\n\"'#<>")
	if n < 0 {
		n = len(v)
	}
	for n > 0 && v[n-1] == ':' {
		n--
	}
	return n
}

func secretParam(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	n := strings.ToLower(string(name))
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	if i := strings.LastIndexByte(n, '.'); i >= 0 && i < len(n)-1 {
		n = n[i+1:]
	}
	return slices.Contains(secretNames, strings.Trim(n, "[]"))
}

func mergeRanges(rs [][2]int) [][2]int {
	slices.SortFunc(rs, func(a, b [2]int) int { return a[0] - b[0] })
	out := rs[:0]
	for _, r := range rs {
		if r[1] <= r[0] {
			continue
		}
		if n := len(out); n > 0 && r[0] <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], r[1])
			continue
		}
		out = append(out, r)
	}
	return out
}

// MaskSecrets replaces the secrets in free text (a message, a file name, a
// value being echoed, a log field) by Mask: encrypted blobs become
// "[enc:****:enc]", URL and address credentials and the values of
// secret-named parameters ("password=****", "token=****") "****". Messages never quote a secret
// attribute's value; this catches the secrets that hide in other values.
func MaskSecrets(s string) string {
	rs := secretRanges([]byte(s))
	if len(rs) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, r := range rs {
		b.WriteString(s[last:r[0]])
		if strings.HasPrefix(s[r[0]:], "[enc:") {
			b.WriteString("[enc:" + Mask + ":enc]")
		} else {
			b.WriteString(Mask)
		}
		last = r[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// EscapeControl makes s safe to print on a terminal or in a CI log: C0
// controls other than tab, DEL, C1 controls and the Unicode line and
// paragraph separators become visible escapes (\x1b, \u009b), as do bytes
// that are not UTF-8 (an 8-bit terminal reads 0x9b as CSI). A file cannot
// move the cursor, erase lines or forge log lines through arrfarm.
func EscapeControl(s string) string {
	clean := true
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, n) {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		writeRune(&b, s[i:i+n], r, n)
		i += n
	}
	return b.String()
}

// needsEscape reports whether the rune r (n bytes; RuneError of length 1
// is an invalid byte) must be escaped.
func needsEscape(r rune, n int) bool {
	switch {
	case r == utf8.RuneError && n == 1:
		return true
	case r == '\t':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0, r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

// writeRune writes the rune r, raw text src, escaped when it needs it,
// and returns the number of columns written.
func writeRune(b *strings.Builder, src string, r rune, n int) int {
	if !needsEscape(r, n) {
		b.WriteString(src)
		return 1
	}
	var e string
	switch {
	case r == utf8.RuneError && n == 1:
		e = fmt.Sprintf(`\x%02x`, src[0])
	case r < 0x80:
		e = fmt.Sprintf(`\x%02x`, r)
	default:
		e = fmt.Sprintf(`\u%04x`, r)
	}
	b.WriteString(e)
	return len(e)
}

// maskValue masks the secrets inside a non-secret attribute's value on
// its way to converted output: the credentials of a server address
// written as user:password@host, URL credentials, encrypted blobs.
func maskValue(name, v string) string {
	if name == "address" {
		if at := strings.LastIndexByte(v, '@'); at >= 0 {
			return Mask + v[at:]
		}
	}
	return MaskSecrets(v)
}

// Printable is s with secrets masked and control characters escaped: the
// form of any user-supplied text on its way to output.
func Printable(s string) string { return EscapeControl(MaskSecrets(s)) }

// markSecrets records the secret parts of an attribute value at
// [start, end) of the source: the whole value of a password attribute,
// the credentials of a server address written as user:password@host, and
// any encrypted blob or URL credentials in other values.
func (l *Lines) markSecrets(name string, start, end int) {
	if start >= end || end > len(l.src) {
		return
	}
	// A YAML value's span includes its quotes; the mask goes inside them.
	if q := l.src[start]; end-start >= 2 && (q == '"' || q == '\'') && l.src[end-1] == q {
		start, end = start+1, end-1
	}
	if secretName(name) {
		l.secrets = append(l.secrets, [2]int{start, end})
		return
	}
	if name == "address" {
		if at := bytes.LastIndexByte(l.src[start:end], '@'); at >= 0 {
			l.secrets = append(l.secrets, [2]int{start, start + at})
			return
		}
	}
	// Other values: URL credentials, blobs, and password=... inside a
	// connection string.
	l.markText(start, end)
}

// markText records the secrets in text the loader reads but does not take
// as an attribute value, [start, end) of the source: comments, character
// data, the sections arrfarm skips, YAML it does not model. Their shapes
// are those of MaskSecrets, and key=value or key: value pairs whose key
// names a password.
func (l *Lines) markText(start, end int) {
	start, end = max(start, 0), min(end, len(l.src))
	if start >= end {
		return
	}
	text := l.src[start:end]
	for _, r := range secretRanges(text) {
		l.secrets = append(l.secrets, [2]int{start + r[0], start + r[1]})
	}
	if !mentionsPassword(text) {
		return
	}
	for _, m := range passwordAttr.FindAllSubmatchIndex(text, -1) {
		r := [2]int{start + m[2], start + m[3]}
		if q := l.src[r[0]]; q == '"' || q == '\'' {
			r[0], r[1] = r[0]+1, r[1]-1
		}
		l.secrets = append(l.secrets, r)
	}
}

// mentionsPassword reports whether text holds a password-like word, in
// any case: the cheap test before the expression.
func mentionsPassword(text []byte) bool {
	for i := 0; i+3 <= len(text); i++ {
		switch text[i] | 0x20 {
		case 'p', 's':
			w := text[i:min(i+6, len(text))]
			if hasFoldPrefix(w, "pass") || hasFoldPrefix(w, "pwd") || hasFoldPrefix(w, "secret") {
				return true
			}
		}
	}
	return false
}

func hasFoldPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}

// read notes that the loader has read the source up to off: every secret
// before it is in l.secrets.
func (l *Lines) read(off int) { l.readTo = max(l.readTo, min(off, len(l.src))) }

// SecretsIn returns the secret byte ranges that overlap [start, end),
// sorted and disjoint. They are the positions the loader recorded while
// reading the file; only text past the point where the loader stopped (a
// file that is not well-formed) is scanned here, as markText would.
func (l *Lines) SecretsIn(start, end int) [][2]int {
	start, end = max(start, 0), min(end, len(l.src))
	if start >= end {
		return nil
	}
	if end > l.readTo {
		// Scanned once, from where the loader stopped (less a margin,
		// so that a blob or URL cut there is still recognised) to a
		// little past the window.
		to := min(end+256, len(l.src))
		l.markText(max(l.readTo-256, 0), to)
		l.readTo = to
		l.secretsSorted = false
	}
	if !l.secretsSorted {
		l.secrets = mergeRanges(l.secrets)
		l.secretsSorted = true
	}
	var out [][2]int
	i, _ := slices.BinarySearchFunc(l.secrets, start, func(r [2]int, off int) int { return r[1] - off - 1 })
	for ; i < len(l.secrets) && l.secrets[i][0] < end; i++ {
		out = append(out, l.secrets[i])
	}
	return out
}

// passwordAttr finds password-like attributes in text the loader did not
// read as attributes: the value of key="..." or key: ... on one line.
var passwordAttr = regexp.MustCompile(`(?i)(?:password|pwd|secret)[\w.-]*["']?[ \t]*[=:][ \t]*("[^"]*"|'[^']*'|[^\s,}\]"']+)`)

// LineBounds returns the byte offsets of 1-based line n's first byte and
// of its end (before "\r\n" or "\n").
func (l *Lines) LineBounds(n int) (start, end int) {
	if n < 1 || n > len(l.starts) {
		return len(l.src), len(l.src)
	}
	start = l.starts[n-1]
	end = len(l.src)
	if n < len(l.starts) {
		end = l.starts[n] - 1
	}
	if end > start && l.src[end-1] == '\r' {
		end--
	}
	return start, end
}
