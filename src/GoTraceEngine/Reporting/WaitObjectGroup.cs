using System.Text.Json.Serialization;

namespace GoTraceEngine.Reporting;

/// <summary>Leak suspects waiting on the same object (<c>obj=</c>).</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record WaitObjectGroup
{
    /// <summary>The object's address.</summary>
    [JsonConverter(typeof(HexPointerJsonConverter))]
    public required ulong Obj { get; init; }

    /// <summary>Suspects waiting on it: two or more.</summary>
    public required long Count { get; init; }

    /// <summary>The blocking reason of the first of them.</summary>
    public required string Reason { get; init; }

    /// <summary>Its code.</summary>
    public required int ReasonCode { get; init; }

    /// <summary>The start function of the first of them, when known.</summary>
    public required string? StartFunction { get; init; }

    /// <summary>The first of them to park.</summary>
    [JsonConverter(typeof(HexPointerJsonConverter))]
    public required ulong ExampleG { get; init; }
}
