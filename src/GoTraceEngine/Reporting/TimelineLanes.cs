namespace GoTraceEngine.Reporting;

/// <summary>One labelled leak group: its lane under the chart, its colour and its label's place.</summary>
/// <param name="Marker">The group.</param>
/// <param name="Rank">0 for the biggest group: picks its colour.</param>
/// <param name="Lane">The row it is drawn in, 0 at the top.</param>
/// <param name="Text">The label, cut with an ellipsis if nothing else fits.</param>
/// <param name="TextX">Where the label is anchored.</param>
/// <param name="AnchorEnd">Whether the label ends at <paramref name="TextX"/> (left of the group's start) rather than begins there.</param>
internal readonly record struct TimelineLane(TimelineMarker Marker, int Rank, int Lane, string Text, double TextX, bool AnchorEnd);

/// <summary>
/// Lays out the leak groups' labels so that they cannot collide: only the biggest <see cref="MaxLabels"/> groups
/// are labelled, each in a row of its own (earliest start at the top), its label beginning just right of the group's
/// start, or ending just left of it when it does not fit before the chart's right edge, or cut to fit.
/// </summary>
internal static class TimelineLanes
{
    /// <summary>At most this many groups are labelled.</summary>
    public const int MaxLabels = 10;

    /// <summary>The labels' font size, in pixels.</summary>
    public const double FontSize = 11;

    /// <summary>
    /// Width allowed per character, in ems: above the average advance of DejaVu Sans (about 0.55 em on names and
    /// numbers), Liberation Sans and Helvetica (about 0.46 em), the fonts <c>sans-serif</c> resolves to.
    /// </summary>
    private const double CharEms = 0.58;

    /// <summary>Space between a group's start and its label.</summary>
    private const double Gap = 5;

    /// <summary>The lanes of the biggest groups, earliest start first.</summary>
    /// <param name="markers">Every leak group.</param>
    /// <param name="x">Where a group starts, in pixels.</param>
    /// <param name="text">A group's label.</param>
    /// <param name="minX">The leftmost pixel a label may reach.</param>
    /// <param name="maxX">The rightmost pixel a label may reach.</param>
    public static List<TimelineLane> Layout(IReadOnlyList<TimelineMarker> markers, Func<TimelineMarker, double> x, Func<TimelineMarker, string> text, double minX, double maxX)
    {
        List<TimelineMarker> biggest = [.. markers.Select((m, i) => (m, i)).OrderByDescending(p => p.m.Count).ThenBy(p => p.i).Take(MaxLabels).Select(p => p.m)];
        var lanes = new List<TimelineLane>(biggest.Count);
        int lane = 0;
        foreach ((TimelineMarker marker, int rank) in biggest.Select((m, i) => (m, i)).OrderBy(p => p.m.X).ThenBy(p => p.i))
        {
            double start = x(marker);
            string label = text(marker);
            double right = maxX - (start + Gap);
            double left = start - Gap - minX;
            bool anchorEnd = Width(label) > right && (Width(label) <= left || left > right);
            double room = anchorEnd ? left : right;
            if (Width(label) > room)
            {
                int keep = Math.Max(0, (int)(room / (CharEms * FontSize)) - 1);
                label = label[..Math.Min(keep, label.Length)] + "…";
            }

            lanes.Add(new TimelineLane(marker, rank, lane++, label, anchorEnd ? start - Gap : start + Gap, anchorEnd));
        }

        return lanes;
    }

    /// <summary>The width a text may take when drawn: an estimate above the real width.</summary>
    /// <param name="text">The text.</param>
    /// <param name="fontSize">Its font size, in pixels.</param>
    public static double Width(string text, double fontSize = FontSize) => text.Length * CharEms * fontSize;
}
