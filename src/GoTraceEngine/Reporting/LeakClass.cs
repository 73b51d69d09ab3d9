using System.Text.Json.Serialization;

namespace GoTraceEngine.Reporting;

/// <summary>What the verdict calls a blocked goroutine; JSON writes the camelCase name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LeakClass>))]
public enum LeakClass
{
    /// <summary>Leaked: blocked far past anything the trace shows would release it, or with nothing left running to release it.</summary>
    [JsonStringEnumMemberName("leak")]
    Leak,

    /// <summary>Looks leaked, but the trace holds too little history to say so with confidence: where to look when <c>leaks</c> is empty.</summary>
    [JsonStringEnumMemberName("likely")]
    Likely,

    /// <summary>Blocked within what the trace shows is normal for it (a line that moves, its group's usual wait), or too young to judge.</summary>
    [JsonStringEnumMemberName("waiting")]
    Waiting,
}
