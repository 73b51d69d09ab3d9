namespace GoTraceEngine.Parsing;

/// <summary>
/// The words of the trace format, once: the keywords that start event lines, the <c>key=</c> of their fields, and the
/// words of <c># gotrace</c> lines. The parsers match them and the generator (<c>GoTraceEngine.Generation</c>) writes
/// them, so the two cannot drift apart; a keyword's length is always taken from its literal.
/// </summary>
/// <remarks>Each property returns a <c>u8</c> literal: no allocation, and the JIT folds its length and compares. Thread-safe.</remarks>
internal static class Keywords
{
    /// <summary><c>runtime.newproc1</c> returned: a create line.</summary>
    public static ReadOnlySpan<byte> Create => "newproc1:"u8;

    /// <summary><c>runtime.gopark</c>: a park line.</summary>
    public static ReadOnlySpan<byte> Park => "gopark:"u8;

    /// <summary><c>runtime.ready</c>: a ready line.</summary>
    public static ReadOnlySpan<byte> Ready => "ready:"u8;

    // The four event keywords as the tracers print them (a space after each), as the parser's first look reads them:
    // the line's first 8 bytes (and, for the two longer ones, 8 or 2 more) as little-endian integers, compared in one
    // step each. KeywordsTests holds each to its literal above.

    /// <summary><c>"gopark: "</c>: the first 8 bytes of a park line.</summary>
    public const ulong ParkSpace = 0x203a6b7261706f67;

    /// <summary><c>"ready: "</c>: the first 7 bytes of a ready line (the 8th masked off).</summary>
    public const ulong ReadySpace = 0x203a7964616572;

    /// <summary><c>"newproc1"</c>: the first 8 bytes of a create line, before <see cref="ColonSpace"/>.</summary>
    public const ulong CreateHead = 0x31636f727077656e;

    /// <summary><c>": "</c>: bytes 8 and 9 of a create line.</summary>
    public const ushort ColonSpace = 0x203a;

    /// <summary><c>"godestro"</c>: the first 8 bytes of a destroy line.</summary>
    public const ulong DestroyHead = 0x6f72747365646f67;

    /// <summary><c>"estroy: "</c>: bytes 3 to 10 of a destroy line.</summary>
    public const ulong DestroyTail = 0x203a796f72747365;

    /// <summary><c>runtime.gdestroy</c> or <c>runtime.goexit0</c>: a destroy line, as the bundled scripts print it.</summary>
    public static ReadOnlySpan<byte> Destroy => "godestroy:"u8;

    /// <summary>A destroy line named after <c>runtime.gdestroy</c>.</summary>
    public static ReadOnlySpan<byte> DestroyByProbeName => "gdestroy:"u8;

    /// <summary>dtrace's <c>profile-1s</c> tick.</summary>
    public static ReadOnlySpan<byte> Tick => "profile-1s:"u8;

    /// <summary>dtrace's <c>tick-1s</c> tick.</summary>
    public static ReadOnlySpan<byte> TickBySecond => "tick-1s:"u8;

    /// <summary>The tracer's <c>END</c> probe.</summary>
    public static ReadOnlySpan<byte> End => "END:"u8;

    /// <summary>The seed's first script: <c>goroutine %p created: …</c> and <c>goroutine %p destroyed: …</c>.</summary>
    public static ReadOnlySpan<byte> FirstScript => "goroutine"u8;

    /// <summary>The seed's first script's create verb.</summary>
    public static ReadOnlySpan<byte> FirstScriptCreated => "created:"u8;

    /// <summary>The seed's first script's destroy verb.</summary>
    public static ReadOnlySpan<byte> FirstScriptDestroyed => "destroyed:"u8;

    /// <summary>The goroutine's g pointer (<c>%p</c>).</summary>
    public static ReadOnlySpan<byte> Goroutine => "goroutine="u8;

    /// <summary>The creator's g pointer (<c>%d</c> or <c>0x…</c>).</summary>
    public static ReadOnlySpan<byte> Parent => "parent="u8;

    /// <summary>The park reason code.</summary>
    public static ReadOnlySpan<byte> Reason => "reason="u8;

    /// <summary>The script's live counter.</summary>
    public static ReadOnlySpan<byte> Count => "count="u8;

    /// <summary>The script's blocked counter.</summary>
    public static ReadOnlySpan<byte> BlockedCount => "blocked_count="u8;

    /// <summary>The script's verdict on a park.</summary>
    public static ReadOnlySpan<byte> Blocked => "blocked="u8;

    /// <summary>Nanoseconds on the tracer's clock.</summary>
    public static ReadOnlySpan<byte> Timestamp => "ts="u8;

    /// <summary>The goroutine id.</summary>
    public static ReadOnlySpan<byte> GoId => "goid="u8;

    /// <summary>The address parked on.</summary>
    public static ReadOnlySpan<byte> WaitObject => "obj="u8;

    /// <summary>The runtime's waitReason code.</summary>
    public static ReadOnlySpan<byte> WaitReason => "wait="u8;

    /// <summary>About when a goroutine found blocked as the trace began started waiting.</summary>
    public static ReadOnlySpan<byte> BlockedSince => "since="u8;

    /// <summary>The goroutine's start function.</summary>
    public static ReadOnlySpan<byte> StartFunction => "fn="u8;

    /// <summary>The function that ran the <c>go</c> statement.</summary>
    public static ReadOnlySpan<byte> Creator => "creator="u8;

    /// <summary>The <c>go</c> statement's pc (<c>g.gopc</c>).</summary>
    public static ReadOnlySpan<byte> CreatorPc => "gopc="u8;

    /// <summary>The word after <c>#</c> that marks gotrace's own lines (<c># gotrace …</c>).</summary>
    public static ReadOnlySpan<byte> Gotrace => "gotrace"u8;

    /// <summary><c># gotrace wrapper WRAPPER WRAPPED</c>.</summary>
    public static ReadOnlySpan<byte> Wrapper => "wrapper"u8;

    /// <summary><c># gotrace site 0xPC FUNCTION FILE:LINE</c>.</summary>
    public static ReadOnlySpan<byte> Site => "site"u8;

    /// <summary>The header's tracer name.</summary>
    public static ReadOnlySpan<byte> Tracer => "tracer="u8;

    /// <summary>The header's operating system.</summary>
    public static ReadOnlySpan<byte> Os => "os="u8;

    /// <summary>The header's architecture.</summary>
    public static ReadOnlySpan<byte> Arch => "arch="u8;

    /// <summary>The header's Go version.</summary>
    public static ReadOnlySpan<byte> Go => "go="u8;

    /// <summary>The header's reason numbering (<c>trace</c> or <c>wait</c>).</summary>
    public static ReadOnlySpan<byte> Reasons => "reasons="u8;
}
