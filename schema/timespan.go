package schema

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimeSpanError explains why a text is not an IIS time span. Hint, when
// set, says what IIS or .NET would make of it and what was probably meant.
type TimeSpanError struct {
	Text string
	Msg  string
	Hint string
}

func (e *TimeSpanError) Error() string {
	if e.Hint != "" {
		return e.Msg + "; " + e.Hint
	}
	return e.Msg
}

// ParseTimeSpan reads an IIS configuration time span:
//
//	hh:mm:ss[.fffffff]     hours may exceed 23: "29:00:00" is 29 hours
//	d.hh:mm:ss[.fffffff]   "1.02:03:04.5"
//	[-] prefix             negative spans
//
// IIS, not .NET, decides the meaning: .NET's TimeSpan.Parse reads
// "24:00:00" as 24 days, IIS's configuration system as 24 hours. A bare
// number is rejected with a hint, because IIS does not read it as seconds.
// Leading and trailing white space is ignored.
func ParseTimeSpan(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, &TimeSpanError{Text: s, Msg: "empty time span", Hint: `write hh:mm:ss, e.g. "00:00:30"`}
	}
	neg := false
	if t[0] == '-' {
		neg, t = true, t[1:]
	}
	if isDigits(t) {
		return 0, bareNumberError(s, t)
	}
	var days int64
	hasDays := false
	if dot := strings.IndexByte(t, '.'); dot >= 0 && dot < strings.IndexByte(t+":", ':') {
		d, err := strconv.ParseInt(t[:dot], 10, 32)
		if err != nil || !isDigits(t[:dot]) {
			return 0, syntaxError(s)
		}
		days, hasDays, t = d, true, t[dot+1:]
	}
	parts := strings.Split(t, ":")
	if len(parts) != 3 {
		return 0, syntaxError(s)
	}
	secPart, frac := parts[2], ""
	if dot := strings.IndexByte(secPart, '.'); dot >= 0 {
		secPart, frac = secPart[:dot], secPart[dot+1:]
		if frac == "" || len(frac) > 7 || !isDigits(frac) {
			return 0, syntaxError(s)
		}
	}
	for _, p := range []string{parts[0], parts[1], secPart} {
		if p == "" || len(p) > 9 || !isDigits(p) {
			return 0, syntaxError(s)
		}
	}
	h, _ := strconv.ParseInt(parts[0], 10, 64)
	m, _ := strconv.ParseInt(parts[1], 10, 64)
	sec, _ := strconv.ParseInt(secPart, 10, 64)
	if len(parts[1]) > 2 || len(secPart) > 2 || m > 59 || sec > 59 {
		return 0, &TimeSpanError{Text: s, Msg: fmt.Sprintf("invalid time span %q: minutes and seconds must be 00-59", s)}
	}
	if hasDays && h > 23 {
		return 0, &TimeSpanError{Text: s, Msg: fmt.Sprintf("invalid time span %q: with a day part, hours must be 00-23", s)}
	}
	total := days*24*3600 + h*3600 + m*60 + sec
	const maxSeconds = int64(time.Duration(1<<63-1) / time.Second)
	if total > maxSeconds {
		return 0, &TimeSpanError{Text: s, Msg: fmt.Sprintf("time span %q is too long", s)}
	}
	d := time.Duration(total) * time.Second
	if frac != "" {
		ticks, _ := strconv.ParseInt(frac+strings.Repeat("0", 7-len(frac)), 10, 64)
		// At the longest span the fraction can push past what a Duration
		// holds; it wrapped to a negative value (and "-" then made a
		// negative span 292 years long).
		if time.Duration(ticks)*100 > time.Duration(1<<63-1)-d {
			return 0, &TimeSpanError{Text: s, Msg: fmt.Sprintf("time span %q is too long", s)}
		}
		d += time.Duration(ticks) * 100 // one .NET tick is 100 ns
	}
	if neg {
		d = -d
	}
	return d, nil
}

// ParseDuration reads a duration as the YAML form and scenarios accept it:
// an IIS time span ("00:00:30") or a Go duration ("30s", "2m", "1h30m").
func ParseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if strings.Contains(t, ":") {
		return ParseTimeSpan(t)
	}
	if isDigits(strings.TrimPrefix(t, "-")) && t != "" && t != "-" {
		return 0, &TimeSpanError{Text: s, Msg: fmt.Sprintf("%q has no unit", s), Hint: fmt.Sprintf(`write %ss for seconds or "00:00:%02s"`, t, t)}
	}
	d, err := time.ParseDuration(t)
	if err != nil {
		return 0, &TimeSpanError{Text: s, Msg: fmt.Sprintf("invalid duration %q", s), Hint: `write a Go duration such as "30s", "2m", "1h30m" or an IIS time span such as "00:00:30"`}
	}
	return d, nil
}

// FormatTimeSpan prints d the way IIS tools print time spans:
// [-][d.]hh:mm:ss[.fffffff], with trailing zeros of the fraction dropped.
func FormatTimeSpan(d time.Duration) string {
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		d = -d
	}
	ticks := int64(d / 100)
	secs := ticks / 1e7
	frac := ticks % 1e7
	days := secs / 86400
	secs %= 86400
	if days > 0 {
		fmt.Fprintf(&b, "%d.", days)
	}
	fmt.Fprintf(&b, "%02d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	if frac != 0 {
		f := strings.TrimRight(fmt.Sprintf("%07d", frac), "0")
		b.WriteString("." + f)
	}
	return b.String()
}

func bareNumberError(s, digits string) error {
	n, _ := strconv.ParseInt(digits, 10, 64)
	meant := time.Duration(n) * time.Second
	hint := fmt.Sprintf("IIS does not read a bare number as seconds (tools that read the value through .NET take %q as %s days); for %s seconds write %q", s, digits, digits, FormatTimeSpan(meant))
	return &TimeSpanError{Text: s, Msg: fmt.Sprintf("%q is not an IIS time span (hh:mm:ss)", s), Hint: hint}
}

func syntaxError(s string) error {
	return &TimeSpanError{Text: s, Msg: fmt.Sprintf("invalid time span %q", s), Hint: `IIS time spans are hh:mm:ss[.fffffff] or d.hh:mm:ss, e.g. "00:00:30" or "1.00:00:00"`}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
