namespace GoTraceEngine.Reporting;

/// <summary>/// The script's own <c>count=</c> and <c>blocked_count=</c> compared with the engine's tables after each line that
/// printed them. The engine never trusts them: they drift when the script misses events (the seed's <c>ready</c>
/// clause) or updates them non-atomically across CPUs.
///</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record ScriptCounterCheck
{
    /// <summary>Whether any line carried script counters.</summary>
    public required bool Present { get; init; }

    /// <summary>Lines whose counters were compared.</summary>
    public required long Checked { get; init; }

    /// <summary>Lines whose counters differed from the engine's.</summary>
    public required long Disagreements { get; init; }

    /// <summary>The first such line, if any.</summary>
    public required long? FirstDisagreementLine { get; init; }

    /// <summary>The last line that carried counters.</summary>
    public required long? Line { get; init; }

    /// <summary>That line's event kind (<c>end</c>, <c>tick</c>, <c>create</c>…).</summary>
    public required string? Kind { get; init; }

    /// <summary>Its <c>count=</c>, if printed.</summary>
    public required long? Count { get; init; }

    /// <summary>Its <c>blocked_count=</c>, if printed.</summary>
    public required long? BlockedCount { get; init; }

    /// <summary>The engine's live count at that line.</summary>
    public required int? EngineLive { get; init; }

    /// <summary>The engine's blocked count at that line.</summary>
    public required int? EngineBlocked { get; init; }

    /// <summary>Whether that last line agreed with the engine.</summary>
    public required bool? Agree { get; init; }
}
