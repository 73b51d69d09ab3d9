namespace GoTraceEngine.Parsing;

/// <summary>Why a line with an event keyword could not become an event.</summary>
internal enum ParseFailure : byte
{
    None = 0,
    MissingGoroutine,
    BadGoroutine,
    ZeroGoroutine,
    MissingReason,
    BadReason,
    BadParent,
    BadCount,
    BadBlockedCount,
    BadBlocked,
    BadTimestamp,
    BadGoId,
    BadWaitObject,
    BadWaitReason,
}

internal static class ParseFailureText
{
    public static string Describe(ParseFailure failure) => failure switch
    {
        ParseFailure.MissingGoroutine => "no goroutine= value",
        ParseFailure.BadGoroutine => "goroutine= is not a hex pointer",
        ParseFailure.ZeroGoroutine => "goroutine= is 0",
        ParseFailure.MissingReason => "gopark line has no reason= value",
        ParseFailure.BadReason => "reason= is not an integer",
        ParseFailure.BadParent => "parent= is not an integer",
        ParseFailure.BadCount => "count= is not an integer",
        ParseFailure.BadBlockedCount => "blocked_count= is not an integer",
        ParseFailure.BadBlocked => "blocked= is not an integer",
        ParseFailure.BadTimestamp => "ts= is not an integer",
        ParseFailure.BadGoId => "goid= is not an integer",
        ParseFailure.BadWaitObject => "obj= is not a hex pointer",
        ParseFailure.BadWaitReason => "wait= is not an integer",
        _ => "unparsable event line",
    };
}
