namespace GoTraceEngine.Parsing;

/// <summary>The words a diagnostic uses for a <see cref="ParseFailure"/>. Thread-safe.</summary>
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
        ParseFailure.BadBlockedSince => "since= is not an integer",
        ParseFailure.BadCreatorPc => "gopc= is not a hex pc",
        ParseFailure.WrapperMissingName => "# gotrace wrapper needs two names: the wrapper and the function it calls",
        ParseFailure.WrapperExtraText => "# gotrace wrapper has text after its two names",
        ParseFailure.SiteBadPc => "# gotrace site: the pc is not a hex number (0x and 1 to 16 digits)",
        ParseFailure.SiteMissingFunction => "# gotrace site has no function after its pc",
        ParseFailure.SiteMissingLocation => "# gotrace site has no FILE:LINE after its function",
        ParseFailure.SiteBadLine => "# gotrace site: the line after the last ':' is not a decimal number",
        _ => "unparsable event line",
    };
}
