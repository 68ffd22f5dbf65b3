package plan

import (
	"fmt"
	"io"
	"strings"

	"github.com/arrfarm/arrfarm/schema"
)

// The script writers follow Microsoft's documented syntax:
//
// appcmd: "appcmd set config -section:NAME" with /ATTR:VALUE for a section
// attribute, /PATH.ATTR:VALUE where PATH steps through child elements by
// name and collection items by [key='value'], /+PATH to add a collection
// item and /-PATH to remove one, /commit:apphost to write to
// applicationHost.config
// (https://learn.microsoft.com/en-us/iis/get-started/getting-started-with-iis/getting-started-with-appcmdexe,
// https://blogs.iis.net/eokim/understanding-appcmd-exe-list-set-config-configurationpath-section-name-parameter-name-value,
// and the AppCmd.exe samples of the configuration reference, e.g.
// https://learn.microsoft.com/en-us/iis/configuration/system.applicationhost/sites/site/).
//
// PowerShell: the WebAdministration module's Add-WebConfigurationProperty
// (-Filter COLLECTION -Name '.' -Value @{key='value'}),
// Set-WebConfigurationProperty (-Filter ELEMENT -Name ATTR -Value VALUE) and
// Remove-WebConfigurationProperty (-Filter COLLECTION -Name '.' -AtElement
// @{key='value'}), all with -PSPath 'MACHINE/WEBROOT/APPHOST', between
// Start-WebCommitDelay and Stop-WebCommitDelay so that the changes are
// committed together
// (https://learn.microsoft.com/en-us/powershell/module/webadministration/).

// appcmdPath writes steps the appcmd way: child elements by name, items of
// a collection by [key='value',...], joined by dots. ok is false when a key
// holds an apostrophe, which appcmd's selector syntax cannot quote.
func appcmdPath(steps []Step) (string, bool) {
	parts := make([]string, 0, len(steps))
	for _, s := range steps {
		if s.Key == nil {
			parts = append(parts, s.Name)
			continue
		}
		kv := make([]string, len(s.Key))
		for i, k := range s.Key {
			if strings.Contains(k[1], "'") {
				return "", false
			}
			kv[i] = k[0] + "='" + k[1] + "'"
		}
		parts = append(parts, "["+strings.Join(kv, ",")+"]")
	}
	return strings.Join(parts, "."), true
}

// cmdQuoted quotes an argument for a .cmd script: inside double quotes
// cmd.exe takes & | < > ^ literally, but still expands %VAR%, so % is
// doubled. A double quote or a line break cannot be carried (ok false).
func cmdQuoted(s string) (string, bool) {
	if strings.ContainsAny(s, "\"\r\n") {
		return "", false
	}
	return `"` + strings.ReplaceAll(s, "%", "%%") + `"`, true
}

// appcmdArg is the appcmd parameter that makes change c, or ok false when
// it cannot be written safely and must be made by hand.
func appcmdArg(c *Change) (string, bool) {
	path, ok := appcmdPath(c.Steps)
	if !ok {
		return "", false
	}
	switch {
	case c.Op == OpAdd:
		q, ok := cmdQuoted(path)
		return "/+" + q, ok
	case c.Op == OpRemove && c.Attribute == "":
		q, ok := cmdQuoted(path)
		return "/-" + q, ok
	}
	target := c.Attribute
	if path != "" {
		target = path + "." + c.Attribute
	}
	q, ok := cmdQuoted(target + ":" + deref(c.To))
	return "/" + q, ok
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// comment is the line that explains change c in a script.
func comment(c *Change) string {
	switch {
	case c.Secret:
		return fmt.Sprintf("%s: set %s by hand (a secret: arrfarm never writes its value into a plan)", c.Label, c.Name)
	case c.Op == OpAdd:
		return "add " + c.Label
	case c.Op == OpRemove:
		return "remove " + c.Label
	case c.Drain:
		return c.Label + ": out of rotation before its removal"
	}
	return fmt.Sprintf("%s: set %s to %s", c.Label, c.Name, shown(c, c.To))
}

// WriteAppcmd writes the plan as a .cmd script of appcmd commands, one per
// change, stopping at the first that fails.
func WriteAppcmd(w io.Writer, p *Plan) error {
	var b strings.Builder
	b.WriteString("@echo off\r\n")
	fmt.Fprintf(&b, "REM arrfarm plan: make %s match %s\r\n", remText(p.Current), remText(p.Desired))
	b.WriteString("REM Run as an administrator on the ARR server. appcmd changes applicationHost.config one command\r\n")
	b.WriteString("REM at a time: the script stops at the first failure, with the changes before it made.\r\n")
	for _, l := range transitionLines(p.Transition) {
		fmt.Fprintf(&b, "REM %s\r\n", remText(l))
	}
	b.WriteString("setlocal\r\n")
	b.WriteString("set APPCMD=%windir%\\system32\\inetsrv\\appcmd.exe\r\n")
	manual := 0
	for i := range p.Changes {
		c := &p.Changes[i]
		fmt.Fprintf(&b, "REM %s\r\n", remText(comment(c)))
		arg, ok := appcmdArg(c)
		if c.Secret || !ok {
			if !c.Secret {
				fmt.Fprintf(&b, "REM !! make this change by hand: %s cannot be quoted for appcmd\r\n", remText(c.Path()))
			}
			manual++
			continue
		}
		fmt.Fprintf(&b, "\"%%APPCMD%%\" set config -section:%s %s /commit:apphost || exit /b 1\r\n", c.Section, arg)
	}
	if manual > 0 {
		fmt.Fprintf(&b, "echo arrfarm: %d change(s) above are marked REM !! or are secrets: make them by hand\r\n", manual)
	}
	b.WriteString("exit /b 0\r\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// remText makes user text safe on a REM line: secrets masked, control
// characters escaped, and % doubled, since cmd.exe expands variables
// before it sees the REM (the rest of a REM line is not parsed further).
func remText(s string) string {
	return strings.ReplaceAll(schema.Printable(s), "%", "%%")
}

// psQuoted is s as a PowerShell single-quoted string: nothing inside is
// expanded, and a single quote is written twice.
func psQuoted(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// psFilter is the XPath filter of the element at steps. ok is false when
// a key holds both kinds of quote, which XPath 1.0 cannot quote.
func psFilter(section string, steps []Step) (string, bool) {
	for _, s := range steps {
		for _, kv := range s.Key {
			if strings.Contains(kv[1], "'") && strings.Contains(kv[1], `"`) {
				return "", false
			}
		}
	}
	return psQuoted(xpath(section, steps)), true
}

func psHash(key [][2]string) string {
	kv := make([]string, len(key))
	for i, k := range key {
		kv[i] = k[0] + "=" + psQuoted(k[1])
	}
	return "@{" + strings.Join(kv, "; ") + "}"
}

// psCommand is the cmdlet call that makes change c.
func psCommand(c *Change) (string, bool) {
	if c.Attribute == "" { // an item added to or removed from its collection
		item, parent := c.Steps[len(c.Steps)-1], c.Steps[:len(c.Steps)-1]
		f, ok := psFilter(c.Section, parent)
		if c.Op == OpAdd {
			return fmt.Sprintf("Add-WebConfigurationProperty -PSPath $psPath -Filter %s -Name '.' -Value %s", f, psHash(item.Key)), ok
		}
		return fmt.Sprintf("Remove-WebConfigurationProperty -PSPath $psPath -Filter %s -Name '.' -AtElement %s", f, psHash(item.Key)), ok
	}
	f, ok := psFilter(c.Section, c.Steps)
	return fmt.Sprintf("Set-WebConfigurationProperty -PSPath $psPath -Filter %s -Name %s -Value %s", f, psQuoted(c.Attribute), psQuoted(deref(c.To))), ok
}

// WritePowerShell writes the plan as a PowerShell script of
// WebAdministration cmdlets committed as one transaction: nothing is
// written unless every change succeeds.
func WritePowerShell(w io.Writer, p *Plan) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# arrfarm plan: make %s match %s\n", psComment(p.Current), psComment(p.Desired))
	b.WriteString("# Run as an administrator on the ARR server. The changes are committed together at the end;\n")
	b.WriteString("# if one fails, none is written.\n")
	for _, l := range transitionLines(p.Transition) {
		fmt.Fprintf(&b, "# %s\n", psComment(l))
	}
	b.WriteString("#Requires -Modules WebAdministration\n")
	b.WriteString("Import-Module WebAdministration\n")
	b.WriteString("$ErrorActionPreference = 'Stop'\n")
	b.WriteString("$psPath = 'MACHINE/WEBROOT/APPHOST'\n")
	b.WriteString("Start-WebCommitDelay\n")
	b.WriteString("try {\n")
	for i := range p.Changes {
		c := &p.Changes[i]
		fmt.Fprintf(&b, "    # %s\n", psComment(comment(c)))
		if c.Secret {
			continue
		}
		cmd, ok := psCommand(c)
		if !ok {
			fmt.Fprintf(&b, "    # !! make this change by hand: %s cannot be quoted as an XPath filter\n", psComment(c.Path()))
			continue
		}
		fmt.Fprintf(&b, "    %s\n", cmd)
	}
	b.WriteString("    Stop-WebCommitDelay -Commit $true\n")
	b.WriteString("} catch {\n")
	b.WriteString("    Stop-WebCommitDelay -Commit $false\n")
	b.WriteString("    throw\n")
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// psComment keeps user text on one comment line.
func psComment(s string) string { return schema.Printable(s) }
