using System.Globalization;
using System.Text;

namespace GoTraceEngine.Reporting;

/// <summary>
/// SVG path data for step lines: a count holds its value until the next sample, then jumps. Paths are written with
/// <c>M</c>, <c>H</c> and <c>V</c> only, so no segment can slope.
/// </summary>
internal static class TimelinePath
{
    /// <summary>Appends the corners of the step line through (<paramref name="xs"/>, <paramref name="ys"/>): each value held until the next x.</summary>
    public static void AddSteps(List<(double X, double Y)> corners, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        for (int i = 0; i < xs.Length; i++)
        {
            if (i > 0)
            {
                corners.Add((xs[i], ys[i - 1]));
            }

            corners.Add((xs[i], ys[i]));
        }
    }

    /// <summary>
    /// Path data through <paramref name="corners"/> (rounded to 0.1 px): a horizontal move where y is unchanged, a
    /// vertical one where x is, and both, horizontal first, where neither is. Moves that carry on in the same direction
    /// are written as one; a spike (up then down at one x) is kept. <c>Z</c> closes an area.
    /// </summary>
    public static string Data(List<(double X, double Y)> corners, bool close)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var moves = new List<(char Axis, double From, double To)>(corners.Count);
        double x = Math.Round(corners[0].X, 1), y = Math.Round(corners[0].Y, 1);
        for (int i = 1; i < corners.Count; i++)
        {
            double nx = Math.Round(corners[i].X, 1), ny = Math.Round(corners[i].Y, 1);
            Move(moves, 'H', x, nx);
            Move(moves, 'V', y, ny);
            x = nx;
            y = ny;
        }

        var data = new StringBuilder(16 + (moves.Count * 7));
        data.Append(c, $"M{Math.Round(corners[0].X, 1):0.#},{Math.Round(corners[0].Y, 1):0.#}");
        foreach ((char axis, _, double to) in moves)
        {
            data.Append(c, $"{axis}{to:0.#}");
        }

        if (close)
        {
            data.Append('Z');
        }

        return data.ToString();
    }

    private static void Move(List<(char Axis, double From, double To)> moves, char axis, double from, double to)
    {
        if (to == from)
        {
            return;
        }

        if (moves.Count > 0 && moves[^1].Axis == axis && Math.Sign(moves[^1].To - moves[^1].From) == Math.Sign(to - from))
        {
            moves[^1] = (axis, moves[^1].From, to);
        }
        else
        {
            moves.Add((axis, from, to));
        }
    }
}
