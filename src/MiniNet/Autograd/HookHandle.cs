namespace MiniNet;

/// <summary>
/// What registering a hook returns, as PyTorch's <c>RemovableHandle</c>: <see cref="Remove"/> (or disposing it, for
/// <c>using</c>) takes the hook off again. Removing twice does nothing.
/// </summary>
public sealed class HookHandle : IDisposable
{
    private Action? _remove;

    internal HookHandle(Action remove) => _remove = remove;

    /// <summary>Takes the hook off: it does not run again (a backward pass whose forward ran with it still runs it, as in PyTorch).</summary>
    public void Remove() => Interlocked.Exchange(ref _remove, null)?.Invoke();

    /// <summary>The same as <see cref="Remove"/>.</summary>
    public void Dispose() => Remove();
}

/// <summary>
/// The hooks of one kind on one module or tensor, in registration order. The array is replaced, never changed, so that
/// a run goes through the hooks as they were when it began while a hook adds or removes hooks.
/// </summary>
internal sealed class HookList<THook> where THook : Delegate
{
    /// <summary>One registration: the same delegate registered twice is two, each removed by its own handle.</summary>
    internal sealed class Registration(THook hook)
    {
        public readonly THook Hook = hook;
    }

    private Registration[] _registrations = [];
    private readonly Lock _sync = new();

    /// <summary>The hooks now, first registered first (the array is never changed: hold it for a run).</summary>
    public Registration[] Current => Volatile.Read(ref _registrations);

    /// <summary>Appends <paramref name="hook"/> and returns the handle that removes it.</summary>
    public HookHandle Add(THook hook)
    {
        var registration = new Registration(hook);
        lock (_sync) _registrations = [.. _registrations, registration];
        return new HookHandle(() =>
        {
            lock (_sync) _registrations = Array.FindAll(_registrations, r => !ReferenceEquals(r, registration));
        });
    }
}
