namespace GoTraceEngine.Reporting;

/// <summary>What the CI gate allows: a budget, ignore rules and a baseline. <c>default</c>: no leak is allowed.</summary>
public readonly record struct LeakGateOptions
{
    /// <summary>How many offending leaked goroutines are allowed (default 0).</summary>
    public long MaxLeaks { get; init; }

    /// <summary>Globs (<c>*</c>, <c>?</c>) on the start function or creator of groups to ignore.</summary>
    public IReadOnlyList<string>? Ignore { get; init; }

    /// <summary>Reasons of groups to ignore: names (<c>chan receive</c>; <c>_</c> or <c>-</c> for a space) or codes.</summary>
    public IReadOnlyList<string>? IgnoreReasons { get; init; }

    /// <summary>The accepted groups, or null.</summary>
    public LeakBaseline? Baseline { get; init; }
}
