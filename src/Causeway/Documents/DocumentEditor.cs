using System.Collections.Immutable;
using Causeway.Clocks;
using Causeway.Crdt;
using Causeway.Errors;
using Causeway.Ledger;
using Causeway.Values;

namespace Causeway.Documents;

/// <summary>Turns the intents of one commit on one document into CRDT effects (the "prepare" step),
/// applying each effect to the state at once so the next one observes it.
/// A put is a diff: fields whose value does not change produce no effect, so a concurrent edit of
/// a field this writer left alone survives, and a GET-modify-PUT keeps counters and sets intact.</summary>
public sealed class DocumentEditor
{
    private readonly DocumentState _state;
    private readonly EffectContext _context;
    private readonly List<CrdtOp> _effects = [];
    private readonly int _firstIndex;
    private bool _enabled;

    /// <param name="state">Edited in place: pass a clone when the edit may be abandoned.</param>
    /// <param name="firstIndex">The effects this commit already made on the document with other
    /// editors: stamps go on from there, so a later write never ties with an earlier one.</param>
    public DocumentEditor(DocumentState state, EffectContext context, int firstIndex = 0)
    {
        _state = state;
        _context = context;
        _firstIndex = firstIndex;
    }

    public DocumentState State => _state;
    public IReadOnlyList<CrdtOp> Effects => _effects;

    public void Apply(DocumentIntent intent, string describe)
    {
        switch (intent)
        {
            case DocumentIntent.Put put: Put(put.Document); break;
            case DocumentIntent.Patch patch:
                if (!_state.Exists) throw new NotFoundException($"Document {describe} does not exist.");
                Patch(patch.Ops);
                break;
            case DocumentIntent.Delete:
                if (!_state.Exists) throw new NotFoundException($"Document {describe} does not exist.");
                Emit(_state.Live.PrepareDisable());
                _enabled = false;
                break;
        }
    }

    private void Put(Value document)
    {
        if (document.Kind != ValueKind.Map) throw new InvalidInputException(ErrorCodes.InvalidJson, "A document is a JSON object.");
        Touch();
        AssignMap([], document);
    }

    private void Patch(IReadOnlyList<FieldOp> ops)
    {
        Touch();
        foreach (var op in ops)
        {
            var path = op.Path.Segments.ToImmutableArray();
            CheckParents(path, op.Path);
            var kind = _state.Fields.KindAt(path);
            switch (op.Kind)
            {
                case FieldOpKind.Set:
                    if (kind == FieldKind.MvReg) Emit(_state.Fields.PrepareMvAssign(path, _context.Dot, op.Value!));
                    else if (kind is null or FieldKind.Lww or FieldKind.Map) AssignValue(path, op.Value!);
                    else throw Mismatch(op, kind.Value, "unset it first to replace it with a plain value");
                    break;
                case FieldOpKind.Unset:
                    Unset(path);
                    break;
                case FieldOpKind.Increment:
                    if (kind is not (null or FieldKind.Counter)) throw Mismatch(op, kind.Value, "only a counter can be incremented");
                    var counter = _state.Fields.FieldAt(path)?.Counter;
                    if (counter is not null) counter.PrepareIncrement(_context.Origin, op.By); // throws on overflow
                    if (op.By != 0) Emit(_state.Fields.PrepareIncrement(path, _context.Origin, op.By));
                    break;
                case FieldOpKind.Add:
                    if (kind == FieldKind.RwSet) Emit(_state.Fields.PrepareRwAdd(path, op.Value!, _context.Dot));
                    else if (kind is null or FieldKind.AwSet) Emit(_state.Fields.PrepareAwAdd(path, op.Value!, _context.Dot));
                    else throw Mismatch(op, kind.Value, "only a set takes add");
                    break;
                case FieldOpKind.Remove:
                    if (kind == FieldKind.RwSet) Emit(_state.Fields.PrepareRwRemove(path, op.Value!, _context.Dot));
                    else if (kind == FieldKind.AwSet) Emit(_state.Fields.PrepareAwRemove(path, op.Value!));
                    else if (kind is not null) throw Mismatch(op, kind.Value, "only a set takes remove");
                    break;
                case FieldOpKind.Enable:
                    if (kind == FieldKind.FlagDw) Emit(_state.Fields.PrepareDwEnable(path, _context.Dot));
                    else if (kind is null or FieldKind.FlagEw) Emit(_state.Fields.PrepareEwEnable(path, _context.Dot));
                    else throw Mismatch(op, kind.Value, "only a flag can be enabled");
                    break;
                case FieldOpKind.Disable:
                    if (kind == FieldKind.FlagDw) Emit(_state.Fields.PrepareDwDisable(path, _context.Dot));
                    else if (kind == FieldKind.FlagEw) Emit(_state.Fields.PrepareEwDisable(path));
                    else if (kind is null)
                    {
                        // A disabled flag reads as absent; disabling one that holds hidden dots still clears them.
                        if (_state.Fields.FieldAt(path)?.FlagEw is { } hidden && hidden.Dots.Count > 0) Emit(_state.Fields.PrepareEwDisable(path));
                    }
                    else throw Mismatch(op, kind.Value, "only a flag can be disabled");
                    break;
            }
        }
    }

    /// <summary>Every enclosing field of a path must be an object (or absent, and then it is created).</summary>
    private void CheckParents(ImmutableArray<string> path, FieldPath text)
    {
        for (int i = 1; i < path.Length; i++)
        {
            var prefix = path[..i];
            var kind = _state.Fields.KindAt(prefix);
            if (kind is not null and not FieldKind.Map)
                throw new TypeMismatchException($"Path '{text}': '{string.Join('.', prefix)}' is a {kind.Value.ToWireName()}, not an object.");
        }
    }

    private void AssignMap(ImmutableArray<string> prefix, Value map)
    {
        var current = prefix.IsEmpty ? _state.Fields : _state.Fields.FieldAt(prefix)?.Map;
        if (current is not null)
        {
            foreach (var (name, field) in current.SortedFields)
                if (field.IsPresent && map.Get(name) is null) Unset(prefix.Add(name));
        }
        foreach (var (name, value) in map.AsMap())
        {
            FieldPath.CheckName(name, topLevel: prefix.IsEmpty);
            if (prefix.Length + 1 > FieldPath.MaxDepth) throw new InvalidInputException(ErrorCodes.InvalidPath, $"The document nests objects deeper than {FieldPath.MaxDepth} levels.");
            AssignValue(prefix.Add(name), value);
        }
    }

    private void AssignValue(ImmutableArray<string> path, Value value)
    {
        var field = _state.Fields.FieldAt(path);
        var kind = field?.VisibleKind;
        if (value.Kind == ValueKind.Map)
        {
            if (kind is not null and not FieldKind.Map) Unset(path);
            AssignMap(path, value);
            return;
        }
        if (kind is null or FieldKind.Lww)
        {
            if (kind == FieldKind.Lww && field!.Lww!.Value == value) return;
        }
        else
        {
            if (field!.ToValue() == value) return;
            Unset(path);
        }
        Emit(_state.Fields.PrepareAssign(path, Stamp(), value));
    }

    private void Unset(ImmutableArray<string> path)
    {
        if (_state.Fields.FieldAt(path) is null) return;
        foreach (var op in _state.Fields.PrepareUnset(path, Stamp(), _context.Dot))
        {
            // Each clear gets the stamp of its own position in the operation, as the wire form implies.
            Emit(op.Inner is LwwClear ? op with { Inner = new LwwClear(Stamp()) } : op);
        }
    }

    private LwwStamp Stamp() => _context.Stamp(_firstIndex + _effects.Count);

    private void Touch()
    {
        if (_enabled) return;
        Emit(_state.Live.PrepareEnable(_context.Dot));
        _enabled = true;
    }

    private void Emit(CrdtOp effect)
    {
        _state.Apply(effect);
        _effects.Add(effect);
    }

    private static TypeMismatchException Mismatch(FieldOp op, FieldKind kind, string hint)
        => new($"Cannot {FieldOp.WireName(op.Kind)} '{op.Path}': it is a {kind.ToWireName()} ({hint}).");
}
