using System.Globalization;

namespace GoTraceEngine.Benchmarks;

/// <summary>
/// The obvious C# way, as a baseline: <c>StreamReader.ReadLine</c>, <c>string.Split</c>, <c>Dictionary</c>. Same
/// semantics as the engine's tables (create, blocking park, ready, destroy) on quiet, non-quiet and full lines.
/// </summary>
internal static class NaiveReplay
{
    public static (int Live, int Blocked) Run(Stream input)
    {
        var live = new Dictionary<ulong, (ulong Parent, long Line)>();
        var blocked = new Dictionary<ulong, int>();
        using var reader = new StreamReader(input, leaveOpen: true);
        long lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int k = Array.FindIndex(parts, static p => p is "newproc1:" or "gopark:" or "ready:" or "godestroy:");
            if (k < 0)
            {
                continue;
            }

            ulong g = 0, parent = 0;
            int reason = -1;
            for (int i = k + 1; i < parts.Length; i++)
            {
                string[] kv = parts[i].Split('=');
                if (kv.Length != 2)
                {
                    continue;
                }

                switch (kv[0])
                {
                    case "goroutine":
                        g = ulong.Parse(kv[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                        break;
                    case "parent":
                        parent = (ulong)long.Parse(kv[1], CultureInfo.InvariantCulture);
                        break;
                    case "reason":
                        reason = int.Parse(kv[1], CultureInfo.InvariantCulture) & 0xff;
                        break;
                    default:
                        break;
                }
            }

            switch (parts[k])
            {
                case "newproc1:":
                    live[g] = (parent, lineNumber);
                    blocked.Remove(g);
                    break;
                case "gopark:" when live.ContainsKey(g):
                    if (reason is 1 or 3 or 4 or 5 or 6 or 7)
                    {
                        blocked[g] = reason;
                    }
                    else
                    {
                        blocked.Remove(g);
                    }

                    break;
                case "ready:":
                    blocked.Remove(g);
                    break;
                case "godestroy:":
                    live.Remove(g);
                    blocked.Remove(g);
                    break;
                default:
                    break;
            }
        }

        return (live.Count, blocked.Count);
    }
}
