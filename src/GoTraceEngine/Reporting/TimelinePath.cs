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
    /// vertical one where x is, and both, horizontal first, where neither is. <c>Z</c> closes an area.
    /// </summary>
    public static string Data(List<(double X, double Y)> corners, bool close)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var data = new StringBuilder(corners.Count * 8);
        double x = 0, y = 0;
        char last = ' ';
        for (int i = 0; i < corners.Count; i++)
        {
            double nx = Math.Round(corners[i].X, 1), ny = Math.Round(corners[i].Y, 1);
            if (i == 0)
            {
                data.Append(c, $"M{nx:0.#},{ny:0.#}");
            }
            else
            {
                if (nx != x)
                {
                    // Two horizontal moves in a row are one: drop the first's end.
                    Trim(data, last == 'H');
                    data.Append(c, $"H{nx:0.#}");
                    last = 'H';
                }

                if (ny != y)
                {
                    Trim(data, last == 'V');
                    data.Append(c, $"V{ny:0.#}");
                    last = 'V';
                }
            }

            x = nx;
            y = ny;
        }

        if (close)
        {
            data.Append('Z');
        }

        return data.ToString();
    }

    /// <summary>Removes the last command (a letter and its number) when <paramref name="merge"/>.</summary>
    private static void Trim(StringBuilder data, bool merge)
    {
        if (!merge)
        {
            return;
        }

        int at = data.Length - 1;
        while (at > 0 && data[at] is not ('H' or 'V'))
        {
            at--;
        }

        data.Length = at;
    }
}
