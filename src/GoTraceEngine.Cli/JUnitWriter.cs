using System.Globalization;
using System.Xml;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Cli;

/// <summary>Writes a check as JUnit XML: one test case per leak group, failing when the group is offending.</summary>
internal static class JUnitWriter
{
    public static void Write(GateVerdict result, Stream output)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) };
        using var xml = XmlWriter.Create(output, settings);
        int tests = Math.Max(1, result.Groups.Count);
        int failures = result.Groups.Count(g => g.Verdict == GroupVerdict.Offending);
        int skipped = result.Groups.Count(g => g.Verdict == GroupVerdict.Ignored);
        CultureInfo c = CultureInfo.InvariantCulture;

        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        xml.WriteAttributeString("name", "gotrace check");
        xml.WriteAttributeString("tests", tests.ToString(c));
        xml.WriteAttributeString("failures", failures.ToString(c));
        xml.WriteAttributeString("skipped", skipped.ToString(c));
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", "goroutine leaks");
        xml.WriteAttributeString("tests", tests.ToString(c));
        xml.WriteAttributeString("failures", failures.ToString(c));
        xml.WriteAttributeString("errors", "0");
        xml.WriteAttributeString("skipped", skipped.ToString(c));
        if (result.Groups.Count == 0)
        {
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("classname", "gotrace.leaks");
            xml.WriteAttributeString("name", "no goroutine leaks");
            xml.WriteEndElement();
        }

        foreach (JudgedGroup group in result.Groups)
        {
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("classname", "gotrace.leaks");
            xml.WriteAttributeString("name", CheckCommand.Describe(group));
            string detail = string.Create(c,
                $"{group.Count} goroutine(s) blocked on {group.Reason} ({group.ReasonCode}) at the end of the trace; start function {group.StartFunction ?? "unknown"}, created by {group.Creator ?? "unknown"}{(group.OldestBlockedNs is { } ns ? ", oldest blocked " + ReportWriter.FormatDuration(ns) : string.Empty)}{(group.Evidence is { } evidence ? $". The verdict ({group.LeakRule}): {evidence}" : string.Empty)}");
            switch (group.Verdict)
            {
                case GroupVerdict.Offending:
                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("type", "GoroutineLeak");
                    xml.WriteAttributeString("message", string.Create(c, $"{group.Offending} leaked goroutine(s) over the baseline"));
                    xml.WriteString(detail);
                    xml.WriteEndElement();
                    break;
                case GroupVerdict.Ignored:
                    xml.WriteStartElement("skipped");
                    xml.WriteAttributeString("message", "ignored by " + group.Rule);
                    xml.WriteEndElement();
                    break;
                default:
                    xml.WriteElementString("system-out", "accepted by the baseline: " + detail);
                    break;
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }
}
