package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
)

// SARIF 2.1.0, only the parts arrfarm fills. Hand-written structs keep
// the output exactly what code review tools read; a test validates it
// against the official schema.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		ColumnKind  string            `json:"columnKind"`
		Results     []sarifResult     `json:"results"`
		Invocations []sarifInvocation `json:"invocations"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool `json:"executionSuccessful"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name"`
		ShortDescription     sarifText      `json:"shortDescription"`
		FullDescription      sarifText      `json:"fullDescription"`
		Help                 sarifHelp      `json:"help"`
		HelpURI              string         `json:"helpUri"`
		DefaultConfiguration sarifRuleConf  `json:"defaultConfiguration"`
		Properties           sarifRuleProps `json:"properties"`
	}
	// sarifRuleProps is the rule's property bag: its evidence, so that a
	// reviewer in the code-scanning UI sees how strong the claim is.
	sarifRuleProps struct {
		Evidence     []sarifSource `json:"arrfarmEvidence"`
		InferredOnly bool          `json:"arrfarmInferredOnly"`
	}
	sarifSource struct {
		Kind string `json:"kind"`
		Ref  string `json:"ref"`
	}
	sarifRuleConf struct {
		Enabled bool   `json:"enabled"`
		Level   string `json:"level"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifHelp struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           *int              `json:"ruleIndex,omitempty"`
		Level               string            `json:"level"`
		Message             sarifText         `json:"message"`
		Locations           []sarifLocation   `json:"locations"`
		RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Properties          map[string]string `json:"properties,omitempty"`
	}
	sarifLocation struct {
		ID               *int          `json:"id,omitempty"`
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
		Message          *sarifText    `json:"message,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine,omitempty"`
		EndColumn   int `json:"endColumn,omitempty"`
	}
)

func sarifLevel(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "note"
}

// WriteSARIF prints a SARIF 2.1.0 log with every registered rule in
// tool.driver.rules.
func WriteSARIF(w io.Writer, r Report) error {
	r = r.Printable()
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "arrfarm", Version: r.Version,
			InformationURI: "https://github.com/arrfarm/arrfarm",
			Rules:          make([]sarifRule, 0, len(r.Rules)),
		}},
		// Our columns count characters (runes), not UTF-16 code units.
		ColumnKind:  "unicodeCodePoints",
		Results:     make([]sarifResult, 0, len(r.Diagnostics)),
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
	}
	// A rule without a registry ID (check's max-<metric>) is known by
	// its slug, as its results are.
	key := func(id, slug string) string {
		if id != "" {
			return id
		}
		return slug
	}
	index := map[string]int{}
	for i, rule := range r.Rules {
		index[key(rule.ID, rule.Slug)] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: key(rule.ID, rule.Slug), Name: rule.Slug,
			ShortDescription: sarifText{rule.Title},
			FullDescription:  sarifText{plain(rule.Doc.Why)},
			Help:             sarifHelp{Text: plain(rule.Doc.Why + "\n\n" + rule.Doc.Fix), Markdown: RuleMarkdown(rule, 3)},
			HelpURI:          rule.URL(),
			DefaultConfiguration: sarifRuleConf{
				Enabled: !rule.Optional,
				Level:   sarifLevel(rule.Severity),
			},
			Properties: sarifRuleProps{Evidence: sarifEvidence(rule), InferredOnly: rule.InferredOnly()},
		})
	}
	seen := map[string]int{}
	for _, d := range r.Diagnostics {
		res := sarifResult{
			RuleID:    d.ID,
			Level:     sarifLevel(d.Severity),
			Message:   sarifText{d.Message},
			Locations: []sarifLocation{location(d.Span.File, d)},
		}
		res.RuleID = key(d.ID, d.Rule)
		if i, ok := index[res.RuleID]; ok {
			res.RuleIndex = &i
		}
		for i, rel := range d.Related {
			id := i + 1
			loc := sarifLocation{ID: &id, PhysicalLocation: physical(rel.Span.File, rel.Span.Start.Line, rel.Span.Start.Col, rel.Span.End.Line, rel.Span.End.Col),
				Message: &sarifText{rel.Message}}
			res.RelatedLocations = append(res.RelatedLocations, loc)
		}
		if d.Farm != "" {
			res.Properties = map[string]string{"farm": d.Farm}
		}
		fp := fingerprint(d, r)
		seen[fp]++
		if n := seen[fp]; n > 1 {
			fp += ":" + strconv.Itoa(n)
		}
		res.PartialFingerprints = map[string]string{"arrfarmFingerprint/v1": fp}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}

func location(file string, d Diagnostic) sarifLocation {
	s := d.Span
	return sarifLocation{PhysicalLocation: physical(file, s.Start.Line, s.Start.Col, s.End.Line, s.End.Col)}
}

func physical(file string, line, col, endLine, endCol int) sarifPhysical {
	p := sarifPhysical{ArtifactLocation: sarifArtifact{URI: fileURI(file)}}
	if line > 0 {
		reg := &sarifRegion{StartLine: line, StartColumn: max(col, 1)}
		if endLine > line || (endLine == line && endCol > col) {
			reg.EndLine, reg.EndColumn = endLine, max(endCol, 1)
		}
		p.Region = reg
	}
	return p
}

// fileURI turns a file name into a URI reference. A relative name becomes
// a relative reference (slashes, percent-escapes), which code-scanning tools
// resolve against the checkout.
func fileURI(file string) string {
	return fileURIOn(file, filepath.Separator == '\\')
}

// fileURIOn is fileURI for Windows names (windows) or Unix names. This is
// the one place where reports differ by platform: on Windows a backslash
// separates directories, and an absolute name must become a file: URI,
// since as a bare reference "C:" reads as a scheme and the "//server" of a
// UNC name as a host. On Unix a backslash is part of a file name.
func fileURIOn(file string, windows bool) string {
	if !windows {
		return (&url.URL{Path: file}).String()
	}
	p := strings.ReplaceAll(file, `\`, "/")
	switch {
	case len(p) >= 3 && p[1] == ':' && p[2] == '/' && ('a' <= p[0]|0x20 && p[0]|0x20 <= 'z'):
		return (&url.URL{Scheme: "file", Path: "/" + p}).String()
	case strings.HasPrefix(p, "//") && len(p) > 2:
		host, rest, _ := strings.Cut(p[2:], "/")
		return (&url.URL{Scheme: "file", Host: host, Path: "/" + rest}).String()
	}
	return (&url.URL{Path: p}).String()
}

// fingerprint identifies a finding across commits: rule, file, farm,
// message and the text of its source line, but not the line number, so
// inserting lines above a finding does not make it "new".
func fingerprint(d Diagnostic, r Report) string {
	line := ""
	if l := r.Sources[d.Span.File]; l != nil && !d.Span.IsZero() {
		src, _ := Excerpt(l, d.Span)
		line = strings.TrimSpace(src)
	}
	h := sha256.Sum256([]byte(strings.Join([]string{d.ID, d.Rule, filepath.ToSlash(d.Span.File), d.Farm, d.Message, line}, "\x00")))
	return hex.EncodeToString(h[:16])
}

// plain strips the Markdown backquotes from doc text for plain-text fields.
func plain(s string) string { return strings.ReplaceAll(s, "`", "") }

func sarifEvidence(r *Rule) []sarifSource {
	out := make([]sarifSource, 0, len(r.Evidence))
	for _, s := range r.Evidence {
		out = append(out, sarifSource{s.Kind.String(), s.Ref})
	}
	return out
}
