using System.Collections.Concurrent;
using Acornima.Ast;
using Jint;

namespace Causeway.Functions;

/// <summary>Parsed scripts by source text, so a call parses nothing: a function's source is parsed when
/// it is defined (or first called on this replica) and reused by every call. Bounded: past
/// <see cref="Capacity"/> sources it starts over.</summary>
internal sealed class ScriptCache
{
    public const int Capacity = 512;
    private readonly ConcurrentDictionary<string, Prepared<Script>> _scripts = new(StringComparer.Ordinal);

    /// <summary>The parsed script; a syntax error throws Jint's exception (the sandbox maps it).</summary>
    public Prepared<Script> Get(string source)
    {
        if (_scripts.TryGetValue(source, out var known)) return known;
        var prepared = Engine.PrepareScript("(" + source + "\n)", "function", strict: true);
        if (_scripts.Count >= Capacity) _scripts.Clear();
        _scripts[source] = prepared;
        return prepared;
    }
}
