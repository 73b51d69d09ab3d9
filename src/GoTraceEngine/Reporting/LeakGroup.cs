using System.Text.Json.Serialization;

namespace GoTraceEngine.Reporting;

/// <summary>
/// Blocked goroutines that started in the same function, at the same <c>go</c> statement (creator and <c>file:line</c>),
/// blocked for the same reason, and the verdict calls alike. Groups that print alike are one (the instantiations of a
/// generic function).
/// </summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record LeakGroup
{
    /// <summary>The goroutines' start function, or null when the trace does not say.</summary>
    public required string? StartFunction { get; init; }

    /// <summary>The function that ran their <c>go</c> statement, or null.</summary>
    public required string? Creator { get; init; }

    /// <summary>The blocking reason's name.</summary>
    public required string Reason { get; init; }

    /// <summary>Its code.</summary>
    public required int ReasonCode { get; init; }

    /// <summary>Suspects in the group.</summary>
    public required long Count { get; init; }

    /// <summary>The longest time any of them had been blocked, when known.</summary>
    public required long? OldestBlockedNs { get; init; }

    /// <summary>One of them (the longest blocked, else the first to park).</summary>
    [JsonConverter(typeof(HexPointerJsonConverter))]
    public required ulong ExampleG { get; init; }

    /// <summary>The compiler wrapper behind <see cref="StartFunction"/>, as the tracer saw it, or null.</summary>
    public string? StartWrapper { get; init; }

    /// <summary>Where the example goroutine's go statement is (<c>file:line</c>), when the trace has the site.</summary>
    public string? CreatedAt { get; init; }

    /// <summary>What the verdict calls the group's goroutines.</summary>
    public LeakClass Verdict { get; init; }

    /// <summary>The rule that decided for the example goroutine.</summary>
    public string? Rule { get; init; }

    /// <summary>The evidence for the example goroutine, in words.</summary>
    public string? Evidence { get; init; }
}
