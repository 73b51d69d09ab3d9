using System.Runtime.InteropServices;

namespace GoTraceEngine.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM for one command: the first cancels <see cref="Token"/> and the process stays up so the
/// command can finish its report; a second one, or <see cref="Grace"/> passing after the first, gives up on it.
/// Registered when created, so a signal that arrives as the command starts is never the runtime's default (an exit
/// with nothing written and, for <c>gen -o</c>, a partial file left behind).
/// </summary>
internal sealed class Interrupt : IDisposable
{
    /// <summary>How long a command may take to finish after the first signal.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(20);

    private readonly CancellationTokenSource _cancel;
    private readonly TaskCompletionSource _signalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    public Interrupt(CancellationToken outer)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(outer);
        GraceExpired = _signalled.Task.ContinueWith(_ => Task.Delay(Grace), TaskScheduler.Default).Unwrap();
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    /// <summary>Cancelled by the first signal (or by the caller's token).</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Completes <see cref="Grace"/> after the first signal; never without one.</summary>
    public Task GraceExpired { get; }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            // A second signal: the default action (the process ends now).
            return;
        }

        context.Cancel = true;
        _signalled.TrySetResult();
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The command finished as the signal arrived.
        }
    }
}
