using System.Globalization;
using System.Net;

namespace GoTraceEngine.Reporting;

/// <summary>
/// Draws a <see cref="Timeline"/> as SVG, in two bands over one x axis: every goroutine (live, and blocked stacked
/// by reason: the churn), then the leaked goroutines (the verdict's leaks, each counted from when it parked, stacked
/// by group), with a lane per labelled group under them. Counts are step lines; y ticks are whole goroutines.
/// </summary>
internal sealed class TimelineChart
{
    private const int Width = 1000;
    private const int Left = 84;
    private const int Right = 30;
    private const int PlotRight = Width - Right;
    private const int ChurnHeight = 230;
    private const int LeakHeight = 110;
    private const int LaneHeight = 17;
    private const string LiveColor = "#222222";
    private const string BlockedColor = "#5c6770";
    private const string LeakedColor = "#6a040f";
    private const string OtherLeaksColor = "#b9adad";

    /// <summary>Blocking reasons in cool and neutral colours: red is kept for leaks.</summary>
    private static readonly string[] s_reasonColors = ["#4e79a7", "#f2c14e", "#59a14f", "#b07aa1", "#76b7b2", "#9c755f", "#a0cbe8", "#8cd17d", "#d4a6c8", "#bab0ac", "#86bcb6", "#f1ce63"];

    /// <summary>Leak groups, biggest first: reds and oranges, dark and light in turn so that neighbours differ.</summary>
    private static readonly string[] s_leakColors = ["#c1121f", "#f48c06", "#7f0a14", "#e85d75", "#dc2f02", "#9e2a2b", "#ff7b54", "#540b0e", "#e09f3e", "#d00060"];

    private static readonly CultureInfo s_c = CultureInfo.InvariantCulture;

    private readonly Timeline _timeline;
    private readonly IReadOnlyList<TimelinePoint> _points;
    private readonly TextWriter _writer;
    private readonly long _x0;
    private readonly long _x1;
    private readonly double[] _xs;

    private TimelineChart(Timeline timeline, TextWriter writer)
    {
        _timeline = timeline;
        _writer = writer;
        _x0 = timeline.Points[0].X;
        _x1 = Math.Max(timeline.Points[^1].X, _x0 + 1);

        // A single sample still holds its counts across the chart.
        _points = timeline.Points.Count > 1 ? timeline.Points : [timeline.Points[0], timeline.Points[0] with { X = _x1 }];
        _xs = [.. _points.Select(p => Sx(p.X))];
    }

    /// <summary>Writes the chart, or a one-line picture saying there is nothing to draw.</summary>
    public static void Write(Timeline timeline, TextWriter writer)
    {
        if (timeline.Points.Count == 0)
        {
            writer.WriteLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"timeline\" width=\"{Width}\" height=\"80\" viewBox=\"0 0 {Width} 80\" font-family=\"sans-serif\" font-size=\"12\">");
            writer.WriteLine($"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"80\" fill=\"#ffffff\"/><text x=\"{Width / 2}\" y=\"40\" text-anchor=\"middle\">no samples: the trace had no events</text></svg>");
            return;
        }

        new TimelineChart(timeline, writer).Draw();
    }

    private void Draw()
    {
        List<(string Text, string Color, bool Line, double X, double Y)> legend = Legend();
        double churnHeading = legend[^1].Y + 30;
        double churnTop = churnHeading + 10;
        double churnBottom = churnTop + ChurnHeight;
        double leakHeading = churnBottom + 30;
        double leakTop = leakHeading + 10;
        double leakBottom = leakTop + LeakHeight;
        List<TimelineLane> lanes = TimelineLanes.Layout(_timeline.Markers, m => Sx(m.X), LaneText, 6, Width - 6);
        double lanesTop = leakBottom + 10;
        double lanesBottom = lanesTop + (lanes.Count * LaneHeight);
        double ticks = lanesBottom + 18;
        int height = (int)ticks + 34;

        _writer.WriteLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"timeline\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"12\">");
        _writer.WriteLine($"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{height}\" fill=\"#ffffff\"/>");
        XTicks(churnTop, lanesBottom, ticks);
        Churn(churnHeading, churnTop, churnBottom);
        Leaks(leakHeading, leakTop, leakBottom, lanes);
        Lanes(lanes, lanesTop);
        _writer.WriteLine(string.Create(s_c,
            $"<text class=\"x-label\" x=\"{Left + ((PlotRight - Left) / 2.0):0.#}\" y=\"{ticks + 22:0.#}\" text-anchor=\"middle\">{(_timeline.Axis == "ns" ? "time since the first event" : "line of the trace")}</text>"));
        _writer.WriteLine("<g id=\"legend\">");
        foreach ((string text, string color, bool line, double x, double y) in legend)
        {
            _writer.WriteLine(line
                ? string.Create(s_c, $"<line x1=\"{x:0.#}\" x2=\"{x + 18:0.#}\" y1=\"{y - 4:0.#}\" y2=\"{y - 4:0.#}\" stroke=\"{color}\" stroke-width=\"2\"/><text x=\"{x + 22:0.#}\" y=\"{y:0.#}\">{Xml(text)}</text>")
                : string.Create(s_c, $"<rect x=\"{x:0.#}\" y=\"{y - 10:0.#}\" width=\"12\" height=\"12\" fill=\"{color}\" fill-opacity=\"0.6\"/><text x=\"{x + 16:0.#}\" y=\"{y:0.#}\">{Xml(text)}</text>"));
        }

        _writer.WriteLine("</g></svg>");
    }

    /// <summary>The legend's entries and places, wrapped onto as many rows as they need.</summary>
    private List<(string Text, string Color, bool Line, double X, double Y)> Legend()
    {
        var entries = new List<(string Text, string Color, bool Line)> { ("live", LiveColor, true), ("blocked", BlockedColor, true) };
        for (int r = 0; r < _timeline.Reasons.Count; r++)
        {
            if (_points.Any(p => p.BlockedByReason[r] != 0))
            {
                entries.Add(("blocked: " + _timeline.Reasons[r], s_reasonColors[r % s_reasonColors.Length], false));
            }
        }

        entries.Add(("leaked", LeakedColor, true));
        var placed = new List<(string, string, bool, double, double)>(entries.Count);
        double x = Left, y = 20;
        foreach ((string text, string color, bool line) in entries)
        {
            double width = (line ? 22 : 16) + TimelineLanes.Width(text, 12) + 14;
            if (x > Left && x + width > PlotRight)
            {
                x = Left;
                y += 18;
            }

            placed.Add((text, color, line, x, y));
            x += width;
        }

        return placed;
    }

    /// <summary>Round x ticks (durations since the first event, or line numbers) with grid lines through both bands and the lanes.</summary>
    private void XTicks(double top, double bottom, double labels)
    {
        bool timed = _timeline.Axis == "ns";
        long step = timed ? TimelineTicks.DurationStep(_x1 - _x0, 8) : TimelineTicks.IntegerStep(_x1 - _x0, 6);
        long first = timed ? _x0 : (_x0 + step - 1) / step * step;
        for (long x = first; x <= _x1; x += step)
        {
            string label = timed ? TimelineTicks.DurationLabel(x - _x0) : x.ToString("#,0", s_c);
            _writer.WriteLine(string.Create(s_c,
                $"<line x1=\"{Sx(x):0.#}\" x2=\"{Sx(x):0.#}\" y1=\"{top:0.#}\" y2=\"{bottom:0.#}\" stroke=\"#eeeeee\"/><text class=\"x-tick\" x=\"{Sx(x):0.#}\" y=\"{labels:0.#}\" text-anchor=\"middle\">{label}</text>"));
        }
    }

    /// <summary>The first band: live goroutines and blocked goroutines stacked by reason.</summary>
    private void Churn(double heading, double top, double bottom)
    {
        Heading(heading, "All goroutines: live, and blocked stacked by reason");
        long max = _points.Max(p => Math.Max(p.Live, p.Blocked));
        Func<double, double> sy = YAxis(top, bottom, max, 5, "goroutines");
        var lower = new double[_points.Count];
        for (int r = 0; r < _timeline.Reasons.Count; r++)
        {
            if (_points.All(p => p.BlockedByReason[r] == 0))
            {
                continue;
            }

            var upper = new double[_points.Count];
            for (int i = 0; i < _points.Count; i++)
            {
                upper[i] = lower[i] + _points[i].BlockedByReason[r];
            }

            _writer.WriteLine($"<path class=\"reason\" data-reason=\"{Xml(_timeline.Reasons[r])}\" d=\"{Area(lower, upper, sy)}\" fill=\"{s_reasonColors[r % s_reasonColors.Length]}\" fill-opacity=\"0.6\" stroke=\"none\"/>");
            lower = upper;
        }

        _writer.WriteLine($"<path id=\"live\" class=\"step\" d=\"{Line([.. _points.Select(p => (double)p.Live)], sy)}\" fill=\"none\" stroke=\"{LiveColor}\" stroke-width=\"2\"/>");
        _writer.WriteLine($"<path id=\"blocked\" class=\"step\" d=\"{Line([.. _points.Select(p => (double)p.Blocked)], sy)}\" fill=\"none\" stroke=\"{BlockedColor}\" stroke-width=\"1.5\"/>");
    }

    /// <summary>The second band: leaked goroutines by when each parked, stacked by labelled group, the rest in grey.</summary>
    private void Leaks(double heading, double top, double bottom, List<TimelineLane> lanes)
    {
        long total = _points[^1].Leaked;
        int rest = _timeline.Markers.Count - lanes.Count;
        Heading(heading, string.Create(s_c,
            $"Leaked goroutines: the verdict's {total} leak{(total == 1 ? string.Empty : "s")}, each counted from when it parked{(rest > 0 ? $"; {rest} smaller group{(rest == 1 ? string.Empty : "s")} in grey" : string.Empty)}"));
        Func<double, double> sy = YAxis(top, bottom, _points.Max(p => p.Leaked), 4, "leaked goroutines");
        var lower = new double[_points.Count];
        foreach (TimelineLane lane in lanes)
        {
            IReadOnlyList<long> parks = lane.Marker.ParkedAt;
            var upper = new double[_points.Count];
            int parked = 0;
            for (int i = 0; i < _points.Count; i++)
            {
                while (parked < parks.Count && parks[parked] <= _points[i].X)
                {
                    parked++;
                }

                upper[i] = lower[i] + parked;
            }

            _writer.WriteLine($"<path class=\"leak-area\" d=\"{Area(lower, upper, sy)}\" fill=\"{s_leakColors[lane.Rank % s_leakColors.Length]}\" fill-opacity=\"0.7\" stroke=\"none\"/>");
            lower = upper;
        }

        if (rest > 0)
        {
            double[] all = [.. _points.Select(p => (double)p.Leaked)];
            _writer.WriteLine($"<path class=\"leak-area other\" d=\"{Area(lower, all, sy)}\" fill=\"{OtherLeaksColor}\" fill-opacity=\"0.8\" stroke=\"none\"/>");
        }

        foreach (TimelineLane lane in lanes)
        {
            double x = Sx(lane.Marker.X);
            _writer.WriteLine(string.Create(s_c,
                $"<line class=\"leak-start\" x1=\"{x:0.#}\" x2=\"{x:0.#}\" y1=\"{top:0.#}\" y2=\"{bottom:0.#}\" stroke=\"{s_leakColors[lane.Rank % s_leakColors.Length]}\" stroke-dasharray=\"4 3\"/>"));
        }

        _writer.WriteLine($"<path id=\"leaked\" class=\"step\" d=\"{Line([.. _points.Select(p => (double)p.Leaked)], sy)}\" fill=\"none\" stroke=\"{LeakedColor}\" stroke-width=\"2\"/>");
        if (total == 0)
        {
            _writer.WriteLine(string.Create(s_c,
                $"<text x=\"{Left + ((PlotRight - Left) / 2.0):0.#}\" y=\"{top + (LeakHeight / 2.0):0.#}\" text-anchor=\"middle\" fill=\"#555555\">no leaks: the verdict calls none of the blocked goroutines leaked</text>"));
        }
    }

    /// <summary>A row per labelled group under the bands: a bar from its first leak's park to the end, and its label.</summary>
    private void Lanes(List<TimelineLane> lanes, double top)
    {
        foreach (TimelineLane lane in lanes)
        {
            string color = s_leakColors[lane.Rank % s_leakColors.Length];
            double y = top + (lane.Lane * LaneHeight);
            double x = Sx(lane.Marker.X);
            _writer.WriteLine(string.Create(s_c,
                $"<g class=\"lane\"><title>{Xml(lane.Marker.Group.Evidence ?? lane.Marker.Label)}</title><rect class=\"leak-lane\" x=\"{x:0.#}\" y=\"{y + 1:0.#}\" width=\"{Math.Max(2, PlotRight - x):0.#}\" height=\"{LaneHeight - 3}\" fill=\"{color}\" fill-opacity=\"0.18\"/><rect x=\"{x - 1:0.#}\" y=\"{y + 1:0.#}\" width=\"3\" height=\"{LaneHeight - 3}\" fill=\"{color}\"/>"));
            _writer.WriteLine(string.Create(s_c,
                $"<text class=\"leak-label\" x=\"{lane.TextX:0.#}\" y=\"{y + LaneHeight - 5:0.#}\" text-anchor=\"{(lane.AnchorEnd ? "end" : "start")}\" font-size=\"{TimelineLanes.FontSize}\" fill=\"#3a0a0e\">{Xml(lane.Text)}</text></g>"));
        }
    }

    /// <summary>A band's y axis: whole-goroutine ticks up to a round top, grid lines, and the axis' name; returns the y scale.</summary>
    private Func<double, double> YAxis(double top, double bottom, long max, int intervals, string name)
    {
        long step = TimelineTicks.IntegerStep(max, intervals);
        long axisTop = TimelineTicks.Top(max, step);
        double Sy(double value) => bottom - (value / axisTop * (bottom - top));
        for (long value = 0; value <= axisTop; value += step)
        {
            _writer.WriteLine(string.Create(s_c,
                $"<line x1=\"{Left}\" x2=\"{PlotRight}\" y1=\"{Sy(value):0.#}\" y2=\"{Sy(value):0.#}\" stroke=\"#e5e5e5\"/><text class=\"y-tick\" x=\"{Left - 6}\" y=\"{Sy(value) + 4:0.#}\" text-anchor=\"end\">{value.ToString("#,0", s_c)}</text>"));
        }

        double middle = (top + bottom) / 2;
        _writer.WriteLine(string.Create(s_c,
            $"<line x1=\"{Left}\" x2=\"{PlotRight}\" y1=\"{bottom:0.#}\" y2=\"{bottom:0.#}\" stroke=\"#333333\"/><line x1=\"{Left}\" x2=\"{Left}\" y1=\"{top:0.#}\" y2=\"{bottom:0.#}\" stroke=\"#333333\"/>"));
        _writer.WriteLine(string.Create(s_c,
            $"<text class=\"y-label\" x=\"18\" y=\"{middle:0.#}\" transform=\"rotate(-90 18 {middle:0.#})\" text-anchor=\"middle\">{name}</text>"));
        return Sy;
    }

    private void Heading(double y, string text) =>
        _writer.WriteLine(string.Create(s_c, $"<text class=\"band\" x=\"{Left}\" y=\"{y:0.#}\" font-weight=\"bold\">{Xml(text)}</text>"));

    /// <summary>A lane's label: the group, its size, and where it starts.</summary>
    private string LaneText(TimelineMarker marker) => string.Create(s_c,
        $"{marker.Label} ×{marker.Count}, since {(_timeline.Axis == "ns" ? ReportWriter.FormatDuration(Math.Max(0, marker.X - _x0)) : "line " + marker.X.ToString("#,0", s_c))}");

    private string Line(double[] values, Func<double, double> sy)
    {
        var corners = new List<(double X, double Y)>(2 * values.Length);
        TimelinePath.AddSteps(corners, _xs, [.. values.Select(sy)]);
        return TimelinePath.Data(corners, close: false);
    }

    /// <summary>The band between two step lines: along the upper one, back along the lower one.</summary>
    private string Area(double[] lower, double[] upper, Func<double, double> sy)
    {
        var corners = new List<(double X, double Y)>(4 * lower.Length);
        TimelinePath.AddSteps(corners, _xs, [.. upper.Select(sy)]);
        var back = new List<(double X, double Y)>(2 * lower.Length);
        TimelinePath.AddSteps(back, _xs, [.. lower.Select(sy)]);
        back.Reverse();
        corners.AddRange(back);
        return TimelinePath.Data(corners, close: true);
    }

    private double Sx(long x) => Left + ((Math.Clamp(x, _x0, _x1) - _x0) / (double)(_x1 - _x0) * (PlotRight - Left));

    private static string Xml(string text) => WebUtility.HtmlEncode(text);
}
