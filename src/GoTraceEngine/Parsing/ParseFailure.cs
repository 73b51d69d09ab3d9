namespace GoTraceEngine.Parsing;

/// <summary>
/// Why a line with an event keyword (or a <c># gotrace wrapper</c>/<c>site</c> line) could not be read, or, on an
/// event line, which optional field was dropped. <see cref="ParseFailureText.Describe"/> says it in words.
/// </summary>
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
    BadBlockedSince,
    BadCreatorPc,
    WrapperMissingName,
    WrapperExtraText,
    SiteBadPc,
    SiteMissingFunction,
    SiteMissingLocation,
    SiteBadLine,
}
