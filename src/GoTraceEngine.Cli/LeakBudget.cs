using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Cli;

/// <summary>A leak group as a CI gate judges it: offending, accepted by a baseline, or ignored by a rule.</summary>
/// <param name="StartFunction">The group's start function, or null.</param>
/// <param name="Creator">The function that ran the go statement, or null.</param>
/// <param name="Reason">The blocking reason.</param>
/// <param name="ReasonCode">Its code.</param>
/// <param name="Count">Suspects in the group.</param>
/// <param name="Accepted">How many of them the baseline accepts.</param>
/// <param name="Offending">How many count against the budget.</param>
/// <param name="Verdict"><c>offending</c>, <c>accepted</c> or <c>ignored</c>.</param>
/// <param name="Rule">The ignore rule or baseline that decided, if any.</param>
/// <param name="OldestBlockedNs">The longest any of them had been blocked, when known.</param>
internal sealed record JudgedGroup(
    string? StartFunction, string? Creator, string Reason, int ReasonCode, long Count, long Accepted, long Offending, string Verdict, string? Rule, long? OldestBlockedNs);

/// <summary>A baseline of accepted leak groups (like goleak's IgnoreCurrent), written by <c>--write-baseline</c>.</summary>
/// <param name="Version">The file format version (1).</param>
/// <param name="Groups">The accepted groups and how many suspects each may hold.</param>
internal sealed record LeakBaseline(int Version, IReadOnlyList<BaselineGroup> Groups);

/// <summary>One accepted group.</summary>
/// <param name="StartFunction">Start function, or null when the trace had none.</param>
/// <param name="Creator">Creator, or null.</param>
/// <param name="Reason">Blocking reason name.</param>
/// <param name="Count">Suspects accepted.</param>
internal sealed record BaselineGroup(string? StartFunction, string? Creator, string Reason, long Count);

/// <summary>The result of <c>gotrace check</c>.</summary>
/// <param name="Passed">Whether the offending suspects fit the budget.</param>
/// <param name="MaxLeaks">The budget.</param>
/// <param name="Offending">Suspects over no rule and no baseline.</param>
/// <param name="Groups">Every leak group with its verdict.</param>
/// <param name="Report">The full replay report.</param>
internal sealed record CheckResult(bool Passed, long MaxLeaks, long Offending, IReadOnlyList<JudgedGroup> Groups, TraceSummary Report);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(LeakBaseline))]
[JsonSerializable(typeof(CheckResultJson))]
internal sealed partial class CheckJsonContext : JsonSerializerContext;

/// <summary>The JSON form of a check: the verdict and the groups (the full report is available with <c>replay --format json</c>).</summary>
/// <param name="Passed">Whether the check passed.</param>
/// <param name="MaxLeaks">The budget.</param>
/// <param name="Offending">Offending suspects.</param>
/// <param name="LeakAfterNs">The leak-after threshold.</param>
/// <param name="Groups">Every group with its verdict.</param>
/// <param name="Warnings">The report's warnings (data loss makes a pass less certain).</param>
internal sealed record CheckResultJson(bool Passed, long MaxLeaks, long Offending, long LeakAfterNs, IReadOnlyList<JudgedGroup> Groups, IReadOnlyList<TraceWarning> Warnings);

/// <summary>Judges leak groups against ignore rules, a baseline and a budget.</summary>
internal sealed class LeakBudget(IReadOnlyList<string> ignoreGlobs, IReadOnlyList<string> ignoreReasons, LeakBaseline? baseline, long maxLeaks)
{
    private readonly (string Glob, Regex Pattern)[] _globs = [.. ignoreGlobs.Select(g => (g, GlobToRegex(g)))];

    public CheckResult Judge(TraceSummary summary)
    {
        var remaining = new Dictionary<(string?, string?, string), long>();
        foreach (BaselineGroup group in baseline?.Groups ?? [])
        {
            var key = (group.StartFunction, group.Creator, group.Reason);
            long sum = remaining.GetValueOrDefault(key) + group.Count;
            remaining[key] = sum < 0 ? long.MaxValue : sum;
        }

        var judged = new List<JudgedGroup>();
        long offending = 0;
        foreach (LeakGroup group in summary.LeakGroups)
        {
            string? rule = IgnoredBy(group);
            if (rule is not null)
            {
                judged.Add(new JudgedGroup(group.StartFunction, group.Creator, group.Reason, group.ReasonCode, group.Count, 0, 0, "ignored", rule, group.OldestBlockedNs));
                continue;
            }

            var key = (group.StartFunction, group.Creator, group.Reason);
            long accepted = Math.Min(group.Count, remaining.GetValueOrDefault(key));
            remaining[key] = remaining.GetValueOrDefault(key) - accepted;
            long over = group.Count - accepted;
            offending += over;
            judged.Add(new JudgedGroup(
                group.StartFunction, group.Creator, group.Reason, group.ReasonCode, group.Count, accepted, over,
                over > 0 ? "offending" : "accepted", accepted > 0 ? "baseline" : null, group.OldestBlockedNs));
        }

        return new CheckResult(offending <= maxLeaks, maxLeaks, offending, judged, summary);
    }

    public static LeakBaseline BaselineOf(CheckResult result) => new(
        1,
        [.. result.Groups.Where(g => g.Verdict != "ignored").Select(g => new BaselineGroup(g.StartFunction, g.Creator, g.Reason, g.Count))]);

    private string? IgnoredBy(LeakGroup group)
    {
        foreach ((string glob, Regex pattern) in _globs)
        {
            if ((group.StartFunction is { } fn && pattern.IsMatch(fn)) || (group.Creator is { } creator && pattern.IsMatch(creator)))
            {
                return "--ignore " + glob;
            }
        }

        foreach (string reason in ignoreReasons)
        {
            if (string.Equals(NormalizeReason(reason), NormalizeReason(group.Reason), StringComparison.OrdinalIgnoreCase)
                || reason == group.ReasonCode.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return "--ignore-reason " + reason;
            }
        }

        return null;
    }

    /// <summary>A reason as typed in a shell: <c>chan_send</c> and <c>chan-send</c> name <c>chan send</c>.</summary>
    public static string NormalizeReason(string reason) => reason.Trim().Replace('_', ' ').Replace('-', ' ');

    /// <summary>Whether <paramref name="reason"/> names a reason some Go version has, or is a code (0–255).</summary>
    public static bool IsKnownReason(string reason) =>
        byte.TryParse(reason, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)
        || State.ReasonTable.KnownNames.Any(name => string.Equals(NormalizeReason(name), NormalizeReason(reason), StringComparison.OrdinalIgnoreCase));

    /// <summary><c>*</c> matches any run of characters, <c>?</c> one; everything else is literal (Go names are full of dots and parentheses).</summary>
    private static Regex GlobToRegex(string glob) =>
        new("^" + Regex.Escape(glob).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}
