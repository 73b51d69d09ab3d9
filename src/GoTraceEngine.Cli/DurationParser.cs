using System.Globalization;

namespace GoTraceEngine.Cli;

/// <summary>Go-style durations for options: <c>500ms</c>, <c>30s</c>, <c>1.5m</c>, <c>2h</c>, <c>1m30s</c>, <c>0</c>.</summary>
internal static class DurationParser
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        ReadOnlySpan<char> s = text.AsSpan().Trim();
        if (s.IsEmpty)
        {
            return false;
        }

        if (s is "0")
        {
            return true;
        }

        double totalNs = 0;
        while (!s.IsEmpty)
        {
            int numberEnd = 0;
            while (numberEnd < s.Length && (char.IsAsciiDigit(s[numberEnd]) || s[numberEnd] == '.'))
            {
                numberEnd++;
            }

            int unitEnd = numberEnd;
            while (unitEnd < s.Length && (char.IsAsciiLetter(s[unitEnd]) || s[unitEnd] == 'µ'))
            {
                unitEnd++;
            }

            if (numberEnd == 0 || unitEnd == numberEnd
                || !double.TryParse(s[..numberEnd], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value))
            {
                return false;
            }

            double unitNs = s[numberEnd..unitEnd] switch
            {
                "ns" => 1,
                "us" or "µs" => 1e3,
                "ms" => 1e6,
                "s" => 1e9,
                "m" => 60e9,
                "h" => 3600e9,
                _ => double.NaN,
            };
            if (double.IsNaN(unitNs))
            {
                return false;
            }

            totalNs += value * unitNs;
            s = s[unitEnd..];
        }

        if (totalNs > TimeSpan.MaxValue.Ticks * 100.0)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)(totalNs / 100));
        return true;
    }
}
