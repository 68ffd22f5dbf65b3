package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// InvalidValue reports values of the wrong type, outside their range or
// enumeration, or time spans IIS does not read as meant.
var InvalidValue = &lint.Rule{
	ID:       "ARR0005",
	Slug:     schema.RuleInvalidValue,
	Title:    "a value of the wrong type, range, enumeration or time span",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "IIS validates values against its schema: `weight=\"0\"`, a port above 65535, " +
			"`algorithm=\"RoundRobin\"` or `protocol/@timeout=\"00:00:00\"` make it reject the configuration " +
			"(HTTP 500.19). Time spans are `hh:mm:ss`: a bare number such as `interval=\"5\"` is not 5 seconds. " +
			"Where IIS would accept a value leniently the finding is a warning: an enumeration value in the wrong case, " +
			"or a status code list (`statusCodeMatch`, `liveTrafficFailureCodes`) that ARR may not parse; the schema " +
			"types those as plain strings, so IIS loads the file.",
		Fix: "Write the value the message suggests; time spans as `hh:mm:ss` (`00:00:05`).",
		Bad: farmExample("", servers2+arr(`<healthCheck url="http://web/health" interval="5" timeout="00:00:03" minServers="1" />
`)),
		Good: farmExample("", servers2+arr(`<healthCheck url="http://web/health" interval="00:00:05" timeout="00:00:03" minServers="1" />
`)),
	},
	Evidence: evidence(srcARRSchema, srcIISLegend, srcHealthPage, inferred("status code lists (statusCodeMatch, liveTrafficFailureCodes) are plain strings in the schema; the list syntax ARR parses is not documented beyond \"200-399\" and \"500-\"")),
	Check:    (*lint.Pass).ReportLoadFindings,
}
