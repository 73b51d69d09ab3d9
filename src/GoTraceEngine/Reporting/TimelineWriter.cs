using System.Globalization;
using System.Net;
using System.Text;

namespace GoTraceEngine.Reporting;

/// <summary>
/// Draws a <see cref="Timeline"/>: live goroutines, blocked goroutines stacked by reason, and a mark where each leak
/// group first appears, as CSV, SVG or a self-contained HTML page (no scripts, no network).
/// </summary>
public static class TimelineWriter
{
    private const int Width = 1000;
    private const int Height = 440;
    private const int Left = 70;
    private const int Right = 30;
    private const int Top = 40;
    private const int Bottom = 60;

    private static readonly string[] s_palette = ["#e4572e", "#f3a712", "#4c9f70", "#3a86ff", "#8338ec", "#ff006e", "#6d6875", "#2a9d8f", "#b5838d", "#588157", "#bc6c25", "#003049"];

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

    /// <summary>One row per sample: x, live, blocked, each reason, and the leak groups that start in that interval.</summary>
    /// <param name="timeline">The timeline.</param>
    /// <param name="writer">The destination.</param>
    public static void WriteCsv(Timeline timeline, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine($"x_{timeline.Axis},live,blocked,{string.Join(',', timeline.Reasons.Select(Csv))},leaks_starting");
        long previous = long.MinValue;
        foreach (TimelinePoint point in timeline.Points)
        {
            string starting = string.Join("; ", timeline.Markers.Where(m => m.X > previous && m.X <= point.X).Select(m => m.Label));
            writer.WriteLine(string.Create(s_c, $"{point.X},{point.Live},{point.Blocked},{string.Join(',', point.BlockedByReason)},{Csv(starting)}"));
            previous = point.X;
        }
    }

    /// <summary>An SVG chart: blocked goroutines stacked by reason, the live and blocked lines, leak group marks.</summary>
    /// <param name="timeline">The timeline.</param>
    /// <param name="writer">The destination.</param>
    public static void WriteSvg(Timeline timeline, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(writer);
        IReadOnlyList<TimelinePoint> points = timeline.Points;
        writer.WriteLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"timeline\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">");
        writer.WriteLine($"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>");
        if (points.Count == 0)
        {
            writer.WriteLine($"<text x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\">no samples: the trace had no events</text></svg>");
            return;
        }

        long x0 = points[0].X;
        long x1 = Math.Max(points[^1].X, x0 + 1);
        long yMax = Math.Max(1, points.Max(p => Math.Max(p.Live, p.Blocked)));
        double plotWidth = Width - Left - Right;
        double plotHeight = Height - Top - Bottom;
        double Sx(long x) => Left + ((x - x0) / (double)(x1 - x0) * plotWidth);
        double Sy(double y) => Top + plotHeight - (y / yMax * plotHeight);

        // Axes and grid.
        for (int i = 0; i <= 4; i++)
        {
            double y = yMax * i / 4.0;
            writer.WriteLine(string.Create(s_c, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Sy(y):0.#}\" y2=\"{Sy(y):0.#}\" stroke=\"#e5e5e5\"/><text x=\"{Left - 6}\" y=\"{Sy(y) + 4:0.#}\" text-anchor=\"end\">{y:0.#}</text>"));
            long x = x0 + ((x1 - x0) * i / 4);
            string label = timeline.Axis == "ns" ? ReportWriter.FormatDuration(x - x0) : "line " + x.ToString(s_c);
            writer.WriteLine(string.Create(s_c, $"<text x=\"{Sx(x):0.#}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{label}</text>"));
        }

        writer.WriteLine(string.Create(s_c, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Sy(0):0.#}\" y2=\"{Sy(0):0.#}\" stroke=\"#333\"/><line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Sy(0):0.#}\" stroke=\"#333\"/>"));
        writer.WriteLine(string.Create(s_c, $"<text x=\"{Left + (plotWidth / 2):0.#}\" y=\"{Height - 12}\" text-anchor=\"middle\">{(timeline.Axis == "ns" ? "time since the first event" : "line of the trace")}</text>"));

        // Blocked goroutines stacked by reason.
        var lower = new double[points.Count];
        for (int r = 0; r < timeline.Reasons.Count; r++)
        {
            if (points.All(p => p.BlockedByReason[r] == 0))
            {
                continue;
            }

            var upper = new double[points.Count];
            var path = new StringBuilder();
            for (int i = 0; i < points.Count; i++)
            {
                upper[i] = lower[i] + points[i].BlockedByReason[r];
                path.Append(s_c, $"{Sx(points[i].X):0.#},{Sy(upper[i]):0.#} ");
            }

            for (int i = points.Count - 1; i >= 0; i--)
            {
                path.Append(s_c, $"{Sx(points[i].X):0.#},{Sy(lower[i]):0.#} ");
            }

            writer.WriteLine($"<polygon class=\"reason\" data-reason=\"{Xml(timeline.Reasons[r])}\" points=\"{path.ToString().TrimEnd()}\" fill=\"{s_palette[r % s_palette.Length]}\" fill-opacity=\"0.55\" stroke=\"none\"/>");
            lower = upper;
        }

        writer.WriteLine($"<polyline id=\"live\" points=\"{Line(points, p => p.Live, Sx, Sy)}\" fill=\"none\" stroke=\"#222222\" stroke-width=\"2\"/>");
        writer.WriteLine($"<polyline id=\"blocked\" points=\"{Line(points, p => p.Blocked, Sx, Sy)}\" fill=\"none\" stroke=\"#c1121f\" stroke-width=\"2.5\"/>");

        // Where each leak group first appears.
        int row = 0;
        foreach (TimelineMarker marker in timeline.Markers.OrderBy(m => m.X))
        {
            double x = Sx(Math.Clamp(marker.X, x0, x1));
            writer.WriteLine(string.Create(s_c, $"<line class=\"leak-start\" x1=\"{x:0.#}\" x2=\"{x:0.#}\" y1=\"{Top}\" y2=\"{Sy(0):0.#}\" stroke=\"#c1121f\" stroke-dasharray=\"4 3\"/>"));
            bool rightHalf = x > Left + (plotWidth / 2);
            writer.WriteLine(string.Create(s_c,
                $"<text class=\"leak-label\" x=\"{(rightHalf ? x - 4 : x + 4):0.#}\" y=\"{Top + 12 + (14 * (row++ % 6))}\" text-anchor=\"{(rightHalf ? "end" : "start")}\" fill=\"#c1121f\">{Xml(marker.Label)} ×{marker.Count}</text>"));
        }

        // Legend.
        int lx = Left;
        writer.WriteLine($"<g id=\"legend\"><line x1=\"{lx}\" x2=\"{lx + 18}\" y1=\"16\" y2=\"16\" stroke=\"#222222\" stroke-width=\"2\"/><text x=\"{lx + 22}\" y=\"20\">live</text>");
        lx += 70;
        writer.WriteLine($"<line x1=\"{lx}\" x2=\"{lx + 18}\" y1=\"16\" y2=\"16\" stroke=\"#c1121f\" stroke-width=\"2.5\"/><text x=\"{lx + 22}\" y=\"20\">blocked</text>");
        lx += 90;
        for (int r = 0; r < timeline.Reasons.Count; r++)
        {
            if (points.All(p => p.BlockedByReason[r] == 0))
            {
                continue;
            }

            writer.WriteLine($"<rect x=\"{lx}\" y=\"10\" width=\"12\" height=\"12\" fill=\"{s_palette[r % s_palette.Length]}\" fill-opacity=\"0.55\"/><text x=\"{lx + 16}\" y=\"20\">{Xml(timeline.Reasons[r])}</text>");
            lx += 30 + (7 * timeline.Reasons[r].Length);
        }

        writer.WriteLine("</g></svg>");
    }

    /// <summary>A self-contained page: the chart, the report's verdict and its leak groups. Opens offline.</summary>
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
        writer.WriteLine("<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right}</style>");
        writer.WriteLine("</head><body>");
        writer.WriteLine(string.Create(s_c, $"<h1>Goroutines over the trace</h1><p id=\"verdict\">{summary.Leaks.Count} leak suspect(s) in {summary.LeakGroups.Count} group(s); {summary.Live} live and {summary.Blocked} blocked at the end; {summary.Lines.Events} events in {summary.Lines.Total} lines.</p>"));
        WriteSvg(timeline, writer);
        writer.WriteLine("<h2>Leak groups</h2><table id=\"groups\"><tr><th>count</th><th>start function</th><th>created by</th><th>reason</th><th>oldest blocked</th></tr>");
        foreach (LeakGroup group in summary.LeakGroups)
        {
            writer.WriteLine(string.Create(s_c,
                $"<tr><td class=\"n\">{group.Count}</td><td>{Xml(group.StartFunction ?? "(unknown)")}</td><td>{Xml(group.Creator ?? "(unknown)")}</td><td>{Xml(group.Reason)} ({group.ReasonCode})</td><td>{(group.OldestBlockedNs is { } ns ? ReportWriter.FormatDuration(ns) : "-")}</td></tr>"));
        }

        writer.WriteLine("</table></body></html>");
    }

    private static string Line(IReadOnlyList<TimelinePoint> points, Func<TimelinePoint, long> value, Func<long, double> sx, Func<double, double> sy) =>
        string.Join(' ', points.Select(p => string.Create(s_c, $"{sx(p.X):0.#},{sy(value(p)):0.#}")));

    private static string Xml(string text) => WebUtility.HtmlEncode(text);

    private static string Csv(string text) => text.Contains(',', StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal)
        ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : text;
}
