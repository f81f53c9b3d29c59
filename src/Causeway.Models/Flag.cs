namespace Causeway.Models;

/// <summary>A flag field: <c>flag_ew</c> (a concurrent enable wins) or, with
/// <see cref="DisableWinsAttribute"/>, <c>flag_dw</c>. A disabled flag reads as absent.</summary>
public sealed class Flag
{
    private bool _loaded;

    public Flag() { }

    public Flag(bool enabled) => IsEnabled = enabled;

    public bool IsEnabled { get; private set; }

    public void Enable() => IsEnabled = true;

    public void Disable() => IsEnabled = false;

    internal bool Changed => IsEnabled != _loaded;

    internal void Load(bool enabled) => _loaded = IsEnabled = enabled;

    internal void Accept() => _loaded = IsEnabled;

    public static implicit operator bool(Flag? flag) => flag?.IsEnabled == true;

    public override string ToString() => IsEnabled ? "enabled" : "disabled";
}
