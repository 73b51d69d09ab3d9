using System.Globalization;
using System.Net;

namespace GoTraceEngine.Reporting;

/// <summary>
/// Draws a <see cref="Timeline"/>: live goroutines and blocked goroutines stacked by reason, the leaked goroutines
/// apart from them (the verdict's leaks, each counted from when it parked), and a labelled lane for each of the
/// biggest leak groups; as CSV, SVG or a self-contained HTML page (no scripts, no network).
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class TimelineWriter
{
    private static readonly CultureInfo s_c = CultureInfo.InvariantCulture;

    /// <summary>Writes the format named by <paramref name="path"/>'s extension: <c>.html</c>, <c>.svg</c> or <c>.csv</c>.</summary>
    /// <param name="timeline">The timeline.</param>
    /// <param name="summary">The report, for the page's title and groups.</param>
    /// <param name="path">The file name (only its extension is used).</param>
    /// <param name="writer">The destination.</param>
    /// <exception cref="ArgumentException">The extension is none of the three.</exception>
    public static void Write(Timeline timeline, TraceSummary summary, string path, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(path);
        switch (Path.GetExtension(path).ToUpperInvariant())
        {
            case ".HTML" or ".HTM":
                WriteHtml(timeline, summary, writer);
                break;
            case ".SVG":
                WriteSvg(timeline, writer);
                break;
            case ".CSV":
                WriteCsv(timeline, writer);
                break;
            default:
                throw new ArgumentException($"'{path}': a timeline is written as .html, .svg or .csv", nameof(path));
        }
    }

    /// <summary>
    /// One row per sample: x, live, blocked, each reason, leaked (the verdict's leaks parked by then: it never
    /// decreases), and the leak groups that start in that interval.
    /// </summary>
    /// <param name="timeline">The timeline.</param>
    /// <param name="writer">The destination.</param>
    public static void WriteCsv(Timeline timeline, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine($"x_{timeline.Axis},live,blocked,{string.Join(',', timeline.Reasons.Select(Csv))},leaked,leaks_starting");
        long previous = long.MinValue;
        foreach (TimelinePoint point in timeline.Points)
        {
            string starting = string.Join("; ", timeline.Markers.Where(m => m.X > previous && m.X <= point.X).Select(m => m.Label));
            writer.WriteLine(string.Create(s_c, $"{point.X},{point.Live},{point.Blocked},{string.Join(',', point.BlockedByReason)},{point.Leaked},{Csv(starting)}"));
            previous = point.X;
        }
    }

    /// <summary>
    /// An SVG chart in two bands over one x axis. Above, every goroutine: live, and blocked stacked by reason. Below,
    /// the leaked goroutines, stacked by group, each counted from when it parked; under them a lane for each of the
    /// ten biggest leak groups, from its first leak on, with its label (one label a lane: labels cannot collide).
    /// Counts are step lines (paths of horizontal and vertical moves only); y ticks are whole goroutines.
    /// </summary>
    /// <param name="timeline">The timeline.</param>
    /// <param name="writer">The destination.</param>
    public static void WriteSvg(Timeline timeline, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(writer);
        TimelineChart.Write(timeline, writer);
    }

    /// <summary>A self-contained page: the chart, the verdict's counts, the leak groups, likely leaks and the biggest waiting groups. Opens offline.</summary>
    /// <param name="timeline">The timeline.</param>
    /// <param name="summary">The report.</param>
    /// <param name="writer">The destination.</param>
    public static void WriteHtml(Timeline timeline, TraceSummary summary, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("<!DOCTYPE html>");
        writer.WriteLine("<html lang=\"en\"><head><meta charset=\"utf-8\"><title>gotrace timeline</title>");
        writer.WriteLine("<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}td.n{text-align:right}td.why{color:#555;font-size:90%}</style>");
        writer.WriteLine("</head><body>");
        writer.WriteLine(string.Create(s_c,
            $"<h1>Goroutines over the trace</h1><p id=\"verdict\">{Count(summary.Leaks.Count, "leaked goroutine")} in {Count(summary.LeakGroups.Count, "group")}, by the verdict; {summary.Verdict.Likely} likely leaked and {summary.Verdict.Waiting} only waiting; {summary.Live} live and {summary.Blocked} blocked at the end; {summary.Lines.Events} events in {summary.Lines.Total} lines.</p>"));
        WriteSvg(timeline, writer);

        var markers = new Dictionary<LeakGroup, TimelineMarker>();
        foreach (TimelineMarker marker in timeline.Markers)
        {
            markers.TryAdd(marker.Group, marker);
        }

        writer.WriteLine("<h2>Leak groups</h2>");
        if (summary.LeakGroups.Count == 0)
        {
            writer.WriteLine("<p>None: the verdict calls none of the blocked goroutines leaked.</p>");
        }
        else
        {
            writer.WriteLine("<table id=\"groups\"><tr><th>count</th><th>start function</th><th>created by</th><th>reason</th><th>leaking since</th><th>oldest blocked</th><th>why</th></tr>");
            foreach (LeakGroup group in summary.LeakGroups)
            {
                string since = markers.TryGetValue(group, out TimelineMarker? marker) && timeline.Points.Count > 0
                    ? timeline.Axis == "ns" ? ReportWriter.FormatDuration(Math.Max(0, marker.X - timeline.Points[0].X)) : "line " + marker.X.ToString(s_c)
                    : "-";
                writer.WriteLine(string.Create(s_c, $"{GroupCells(group)}<td>{since}</td>{OldestAndWhy(group)}</tr>"));
            }

            writer.WriteLine("</table>");
        }

        if (summary.LikelyGroups.Count > 0)
        {
            writer.WriteLine("<h2>Likely leaks</h2><p>Blocked goroutines that look leaked, with too little history in the trace to be sure.</p>");
            writer.WriteLine("<table id=\"likely\"><tr><th>count</th><th>start function</th><th>created by</th><th>reason</th><th>oldest blocked</th><th>why</th></tr>");
            foreach (LeakGroup group in summary.LikelyGroups)
            {
                writer.WriteLine($"{GroupCells(group)}{OldestAndWhy(group)}</tr>");
            }

            writer.WriteLine("</table>");
        }

        if (summary.WaitingGroups.Count > 0)
        {
            writer.WriteLine(string.Create(s_c,
                $"<h2>Waiting</h2><p>{Count(summary.Verdict.Waiting, "blocked goroutine")} in {Count(summary.WaitingGroups.Count, "group")} only waiting, within what the trace shows is normal for them{(summary.WaitingGroups.Count > 10 ? "; the 10 biggest groups" : string.Empty)}:</p>"));
            writer.WriteLine("<table id=\"waiting\"><tr><th>count</th><th>start function</th><th>created by</th><th>reason</th><th>oldest blocked</th><th>why</th></tr>");
            foreach (LeakGroup group in summary.WaitingGroups.Take(10))
            {
                writer.WriteLine($"{GroupCells(group)}{OldestAndWhy(group)}</tr>");
            }

            writer.WriteLine("</table>");
        }

        writer.WriteLine("</body></html>");
    }

    private static string GroupCells(LeakGroup group) => string.Create(s_c,
        $"<tr><td class=\"n\">{group.Count}</td><td>{Xml(group.StartFunction ?? "(unknown)")}</td><td>{Xml(group.Creator ?? "(unknown)")}</td><td>{Xml(group.Reason)} ({group.ReasonCode})</td>");

    private static string OldestAndWhy(LeakGroup group) =>
        $"<td>{(group.OldestBlockedNs is { } ns ? ReportWriter.FormatDuration(ns) : "-")}</td><td class=\"why\">{Xml(group.Evidence ?? string.Empty)}</td>";

    private static string Count(long n, string noun) => string.Create(s_c, $"{n} {noun}{(n == 1 ? string.Empty : "s")}");

    private static string Xml(string text) => WebUtility.HtmlEncode(text);

    private static string Csv(string text) => text.Contains(',', StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal)
        ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : text;
}
