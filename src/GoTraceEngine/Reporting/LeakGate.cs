using System.Globalization;
using System.Text.RegularExpressions;
using GoTraceEngine.State;

namespace GoTraceEngine.Reporting;

/// <summary>
/// The CI gate's logic, for the command line and for hosts that embed the engine: judges a report's leak groups (what
/// the verdict calls leaks) against ignore rules, a baseline and a budget, and says when a report cannot carry a verdict at all.
/// </summary>
/// <example><code>
/// var gate = new LeakGate(new LeakGateOptions { MaxLeaks = 0, Ignore = ["net/http.*"] });
/// if (LeakGate.NoVerdictReason(summary) is null &amp;&amp; !gate.Judge(summary).Passed) { /* fail the build */ }
/// </code></example>
public sealed class LeakGate
{
    private readonly LeakGateOptions _options;
    private readonly (string Glob, Regex Pattern)[] _globs;

    /// <summary>Creates a gate.</summary>
    /// <param name="options">The budget, rules and baseline.</param>
    /// <exception cref="ArgumentException">A negative budget, or an ignore reason that names no reason.</exception>
    public LeakGate(LeakGateOptions options)
    {
        if (options.MaxLeaks < 0)
        {
            throw new ArgumentException("The budget must be 0 or more.", nameof(options));
        }

        foreach (string reason in options.IgnoreReasons ?? [])
        {
            if (!IsKnownReason(reason))
            {
                throw new ArgumentException($"'{reason}' names no reason.", nameof(options));
            }
        }

        _options = options;
        _globs = [.. (options.Ignore ?? []).Select(g => (g, GlobToRegex(g)))];
    }

    /// <summary>Judges <paramref name="summary"/>'s leak groups.</summary>
    /// <param name="summary">The report.</param>
    /// <returns>The decision, group by group.</returns>
    public GateVerdict Judge(TraceSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var remaining = new Dictionary<(string?, string?, string?), long>();
        foreach (BaselineGroup group in _options.Baseline?.Groups ?? [])
        {
            // Names as reports print them: a baseline written before generic functions were named as Go prints them
            // (type arguments as [...]) still accepts its groups.
            var key = (GoNames.Printed(group.StartFunction), GoNames.Printed(group.Creator), group.Reason);
            long sum = remaining.GetValueOrDefault(key) + group.Count;
            remaining[key] = sum < 0 ? long.MaxValue : sum;
        }

        var judged = new List<JudgedGroup>();
        long offending = 0;
        foreach (LeakGroup group in summary.LeakGroups)
        {
            if (IgnoredBy(group) is { } rule)
            {
                judged.Add(Judged(group, 0, 0, GroupVerdict.Ignored, rule));
                continue;
            }

            var key = ((string?)group.StartFunction, (string?)group.Creator, (string?)group.Reason);
            long accepted = Math.Min(group.Count, remaining.GetValueOrDefault(key));
            remaining[key] = remaining.GetValueOrDefault(key) - accepted;
            long over = group.Count - accepted;
            offending += over;
            judged.Add(Judged(group, accepted, over, over > 0 ? GroupVerdict.Offending : GroupVerdict.Accepted, accepted > 0 ? "baseline" : null));
        }

        return new GateVerdict { Passed = offending <= _options.MaxLeaks, MaxLeaks = _options.MaxLeaks, Offending = offending, Groups = judged, Report = summary };
    }

    /// <summary>A baseline that accepts every group a verdict did not ignore, as they are now.</summary>
    /// <param name="verdict">A verdict.</param>
    /// <returns>The baseline to write.</returns>
    public static LeakBaseline BaselineOf(GateVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return new LeakBaseline
        {
            Version = LeakBaseline.CurrentVersion,
            Groups = [.. verdict.Groups.Where(g => g.Verdict != GroupVerdict.Ignored).Select(g => new BaselineGroup { StartFunction = g.StartFunction, Creator = g.Creator, Reason = g.Reason, Count = g.Count })],
        };
    }

    /// <summary>
    /// Why <paramref name="summary"/> can carry no CI verdict, or null: reading was cut short, the tracer failed,
    /// goroutines went untracked, or the input held no trace at all (an empty file, a compressed one, the wrong file).
    /// </summary>
    /// <param name="summary">The report.</param>
    /// <returns>One sentence, or null when a verdict can be given.</returns>
    public static string? NoVerdictReason(TraceSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        for (int i = 0; i < summary.IncompleteReasons.Count; i++)
        {
            if (summary.IncompleteReasons[i] is IncompleteReason.Interrupted or IncompleteReason.TracerFailed or IncompleteReason.GoroutineLimit)
            {
                return summary.Incomplete[i];
            }
        }

        if (summary.Lines.Events > 0 || summary.Trace is not null)
        {
            return null;
        }

        LineCounts lines = summary.Lines;
        long Skipped(string category) => lines.SkippedByCategory.TryGetValue(category, out long n) ? n : 0;
        if (lines.Total == 0)
        {
            return "the input is empty: no trace was read";
        }

        if (Skipped("blank") == lines.Total)
        {
            return $"the input holds only blank lines ({lines.Total}): no trace was read";
        }

        if (Skipped("invalidUtf8") * 2 >= lines.Total)
        {
            return $"the input is not text ({Skipped("invalidUtf8")} of {lines.Total} lines are not UTF-8): a compressed or binary file?";
        }

        if (Skipped("malformed") > 0 && summary.Diagnostics.Count > 0)
        {
            LineDiagnostic first = summary.Diagnostics[0];
            return $"no event could be read: {Skipped("malformed")} lines look like events but are malformed (line {first.Line}: {first.Message})";
        }

        return $"none of the input's {lines.Total} lines is a trace event (lines such as 'gopark: goroutine=… reason=…'; see gotrace script)";
    }

    /// <summary>A reason as typed in a shell: <c>chan_send</c> and <c>chan-send</c> name <c>chan send</c>.</summary>
    /// <param name="reason">The reason as typed.</param>
    /// <returns>The reason with spaces.</returns>
    public static string NormalizeReason(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return reason.Trim().Replace('_', ' ').Replace('-', ' ');
    }

    /// <summary>Whether <paramref name="reason"/> names a reason some Go version has, or is a code (0–255).</summary>
    /// <param name="reason">The reason as typed.</param>
    /// <returns><see langword="true"/> when it names one.</returns>
    public static bool IsKnownReason(string reason) =>
        byte.TryParse(reason, NumberStyles.None, CultureInfo.InvariantCulture, out _)
        || ReasonTable.KnownNames.Any(name => string.Equals(NormalizeReason(name), NormalizeReason(reason), StringComparison.OrdinalIgnoreCase));

    private static JudgedGroup Judged(LeakGroup group, long accepted, long offending, GroupVerdict verdict, string? rule) => new()
    {
        StartFunction = group.StartFunction,
        Creator = group.Creator,
        Reason = group.Reason,
        ReasonCode = group.ReasonCode,
        Count = group.Count,
        Accepted = accepted,
        Offending = offending,
        Verdict = verdict,
        Rule = rule,
        OldestBlockedNs = group.OldestBlockedNs,
        LeakRule = group.Rule,
        Evidence = group.Evidence,
    };

    private string? IgnoredBy(LeakGroup group)
    {
        foreach ((string glob, Regex pattern) in _globs)
        {
            if ((group.StartFunction is { } fn && pattern.IsMatch(fn)) || (group.Creator is { } creator && pattern.IsMatch(creator))
                || (group.StartWrapper is { } wrapper && pattern.IsMatch(wrapper)))
            {
                return "--ignore " + glob;
            }
        }

        foreach (string reason in _options.IgnoreReasons ?? [])
        {
            if (string.Equals(NormalizeReason(reason), NormalizeReason(group.Reason), StringComparison.OrdinalIgnoreCase)
                || reason == group.ReasonCode.ToString(CultureInfo.InvariantCulture))
            {
                return "--ignore-reason " + reason;
            }
        }

        return null;
    }

    /// <summary><c>*</c> matches any run of characters, <c>?</c> one; everything else is literal (Go names are full of dots and parentheses).</summary>
    private static Regex GlobToRegex(string glob) =>
        new("^" + Regex.Escape(glob).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}
