package schema

// Severity orders findings: Error > Warning > Info.
type Severity int

// Severities, lowest first, so that comparisons read naturally.
const (
	SeverityNone Severity = iota // not set: use the rule's default
	Info
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "none"
}

// ParseSeverity reads "error", "warning" or "info".
func ParseSeverity(s string) (Severity, bool) {
	switch s {
	case "error":
		return Error, true
	case "warning":
		return Warning, true
	case "info":
		return Info, true
	}
	return SeverityNone, false
}

// Related is a secondary position of a finding ("farm defined here").
type Related struct {
	Span    Span
	Message string
}

// A Finding is a problem the loader found while reading a file: malformed
// XML, an unknown name, an invalid value. Rule is the slug of the lint rule
// that reports it (the lint package owns the rule's ID, severity and docs).
type Finding struct {
	Rule     string
	Severity Severity // SeverityNone: the rule's default severity
	Span     Span
	Message  string
	Related  []Related
	Farm     string // the farm the finding is about, if any
}

// Slugs of the input and schema rules the loaders report.
const (
	RuleXMLMalformed     = "xml-malformed"
	RuleUnknownElement   = "unknown-element"
	RuleUnknownAttribute = "unknown-attribute"
	RuleInvalidValue     = "invalid-value"
	RuleDuplicateKey     = "duplicate-key"
	RuleMisplaced        = "misplaced-element"
	RuleFragment         = "read-as-fragment"
	RuleMissingRequired  = "missing-required"
	RuleWFFSetting       = "wff-setting"
	RuleYAMLMalformed    = "yaml-malformed"
)
