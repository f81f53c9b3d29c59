using System.Collections.Immutable;
using Causeway.Clocks;
using Causeway.Crdt;
using Causeway.Crdt.Kinds;
using Causeway.Errors;
using Causeway.Schemas;
using Causeway.Values;

namespace Causeway.Documents;

/// <summary>Turns the intents of one commit on one document into CRDT effects (the "prepare" step),
/// applying each effect to the state at once so the next one observes it.
/// A put is a diff: fields whose value does not change produce no effect, so a concurrent edit of
/// a field this writer left alone survives, and a GET-modify-PUT keeps counters and sets intact.</summary>
public sealed class DocumentEditor : IFieldEditor
{
    private readonly DocumentState _state;
    private readonly EffectContext _context;
    private readonly List<CrdtOp> _effects = [];
    private readonly int _firstIndex;
    private readonly CollectionRules? _rules;
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private bool _enabled;

    /// <summary>The document being edited, when the caller named it: what a refusal's <see cref="Violation"/> is about.</summary>
    private (string Collection, string Id)? _subject;

    /// <param name="state">Edited in place: pass a clone when the edit may be abandoned.</param>
    /// <param name="firstIndex">The effects this commit already made on the document with other
    /// editors: stamps go on from there, so a later write never ties with an earlier one.</param>
    /// <param name="rules">The collection's schema, if it has one: declared kinds decide what a
    /// plain value becomes, and a check's fields are written as one group.</param>
    public DocumentEditor(DocumentState state, EffectContext context, int firstIndex = 0, CollectionRules? rules = null)
    {
        _state = state;
        _context = context;
        _firstIndex = firstIndex;
        _rules = rules;
    }

    public DocumentState State => _state;
    public IReadOnlyList<CrdtOp> Effects => _effects;

    /// <summary>Applies <paramref name="intent"/> to the document <paramref name="collection"/>/<paramref name="id"/>,
    /// whose refusals then say which document and field they are about (<see cref="Violation"/>).</summary>
    public void Apply(DocumentIntent intent, string collection, string id)
    {
        _subject = (collection, id);
        Apply(intent, $"{collection}/{id}");
    }

    public void Apply(DocumentIntent intent, string describe)
    {
        switch (intent)
        {
            case DocumentIntent.Put put: Put(put.Document); break;
            case DocumentIntent.Create create:
                if (_state.Exists || _state.Live.Context.Count > 0) throw new AlreadyExistsException($"Document {describe} already exists; a generated id was used twice.");
                Put(create.Document);
                break;
            case DocumentIntent.Patch patch:
                if (!_state.Exists) throw new NotFoundException($"Document {describe} does not exist.");
                Patch(patch.Ops);
                break;
            case DocumentIntent.Delete:
                if (!_state.Exists) throw new NotFoundException($"Document {describe} does not exist.");
                Emit(_state.Live.PrepareDisable());
                _enabled = false;
                break;
            case DocumentIntent.TransferRights transfer:
                // The counter may have no state yet: the home replica hands on its initial slack
                // (of a counter bounded above, say) before anyone wrote the document.
                Emit(_state.Fields.PrepareBCounterTransfer(transfer.Path.Split('.'), _context.Origin, transfer.To, transfer.Side, transfer.Amount));
                break;
            case DocumentIntent.Clear clear:
                foreach (var path in clear.Paths) Unset([.. path.Split('.')]);
                break;
            case DocumentIntent.HandOver handOver:
                Touch();
                Emit(_state.Fields.PrepareAssign(["holder"], Stamp(), Value.String(handOver.To)));
                break;
            case DocumentIntent.HandOutRange range:
                Touch();
                foreach (char shard in range.Shards)
                    Emit(_state.Fields.PrepareAssign(["s" + shard], Stamp(), Value.String(range.To)));
                break;
            case DocumentIntent.AllocateBlock block:
            {
                Touch();
                long start = _state.Fields.ValueAt(["next"]) is { Kind: ValueKind.Int } next ? next.AsInt() : 1;
                if (block.Size < 1 || start > long.MaxValue - block.Size) throw new InvalidInputException(ErrorCodes.InvalidValue, $"The sequence of {describe} has no room for a block of {block.Size}.");
                Emit(_state.Fields.PrepareAssign(["next"], Stamp(), Value.Int(start + block.Size)));
                Emit(_state.Fields.PrepareAwAdd(["blocks"], Value.Array([Value.String(block.To), Value.Int(start), Value.Int(block.Size)]), _context.Dot));
                break;
            }
            case DocumentIntent.Touch:
                if (!_state.Exists) throw new NotFoundException($"Document {describe} does not exist.");
                Touch();
                break;
        }
        if (_rules is not null) WriteGroups();
    }

    /// <summary>A check's fields are one atomic group: when a write changes any of them, every other
    /// one is written again with the same commit's stamp, so per-field last-writer-wins picks the
    /// same (checked) write for all of them.</summary>
    private void WriteGroups()
    {
        foreach (var group in _rules!.AtomicGroups)
        {
            if (!group.Overlaps(_written)) continue;
            foreach (var path in group.Order(StringComparer.Ordinal))
            {
                if (_written.Contains(path)) continue;
                var segments = path.Split('.').ToImmutableArray();
                var field = _state.Fields.FieldAt(segments);
                if (field?.Lww is { IsPresent: true } lww) Emit(_state.Fields.PrepareAssign(segments, Stamp(), lww.Value!));
                // Absent too is part of the group's state: a clear with this commit's stamp, so a
                // concurrent write of the field alone cannot win against this checked write.
                else Emit(new MapOp(segments, (field?.Lww ?? new LwwRegister<Value>()).PrepareClear(Stamp())));
                _written.Add(path);
            }
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
            if (_rules?.Field(op.Path.Text) is { } rule)
            {
                CheckDeclared(rule, op);
                if (op.Kind == FieldOpKind.Set) { AssignValue(path, op.Value!); continue; }
                kind ??= rule.CrdtKind;
            }
            if (op.Kind == FieldOpKind.Unset) Unset(path);
            else if (kind is null) PatchAbsent(path, op);
            else if (FieldKindRegistry.Of(kind.Value) is var fieldKind && fieldKind.Takes(op.Kind)) fieldKind.Patch(this, path, op);
            else throw Mismatch(op, kind.Value);
        }
    }

    /// <summary>An operation on an absent field makes the kind FieldOp names for it: set an lww
    /// (or an object a map), increment a counter, add an awset, enable a flag_ew.</summary>
    private void PatchAbsent(ImmutableArray<string> path, FieldOp op)
    {
        switch (op.Kind)
        {
            case FieldOpKind.Set: AssignValue(path, op.Value!); break;
            case FieldOpKind.Increment: CounterKind.Instance.Patch(this, path, op); break;
            case FieldOpKind.Add: AwSetKind.Instance.Patch(this, path, op); break;
            case FieldOpKind.Enable: FlagEwKind.Instance.Patch(this, path, op); break;
            case FieldOpKind.Remove: break; // nothing to remove
            case FieldOpKind.Disable:
                // A disabled flag reads as absent; disabling one that holds hidden dots still clears them.
                if (_state.Fields.FieldAt(path)?.FlagEw is { } hidden && hidden.Dots.Count > 0) Emit(_state.Fields.PrepareEwDisable(path));
                break;
        }
    }

    /// <summary>An operation on a declared field must fit its kind (schema_violation otherwise).</summary>
    private void CheckDeclared(FieldRule rule, FieldOp op)
    {
        var kind = rule.CrdtKind is { } declared ? FieldKindRegistry.Of(declared) : null;
        bool fits = op.Kind switch
        {
            FieldOpKind.Set => true, // a plain value becomes the declared kind's change (AssignValue)
            FieldOpKind.Unset => !rule.Required && kind?.UnsetRefusal is null,
            _ => kind?.Takes(op.Kind) == true,
        };
        if (fits) return;
        string why = op.Kind == FieldOpKind.Unset
            ? (rule.Required ? "it is required" : kind!.UnsetRefusal!)
            : $"it is declared {rule.Kind}";
        throw new SchemaViolationException($"Cannot {FieldOp.WireName(op.Kind)} '{op.Path}': {why}.")
        {
            Violation = ViolationOf(op.Kind == FieldOpKind.Unset && rule.Required ? ViolatedRule.Required : ViolatedRule.Type, rule.Path),
        };
    }

    /// <summary>What a refusal of a declared field is about, when the document is named.</summary>
    private Violation? ViolationOf(ViolatedRule rule, string path)
        => _subject is var (collection, id) ? new Violation(rule, collection, id, [path]) : null;

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
        foreach (var (name, value) in map.MapEntries)
        {
            FieldPath.CheckName(name, topLevel: prefix.IsEmpty);
            if (prefix.Length + 1 > FieldPath.MaxDepth) throw new InvalidInputException(ErrorCodes.InvalidPath, $"The document nests objects deeper than {FieldPath.MaxDepth} levels.");
            AssignValue(prefix.Add(name), value);
        }
    }

    private void AssignValue(ImmutableArray<string> path, Value value)
    {
        // A plain value written to a field declared with a non-register kind becomes that kind's
        // change: a number moves a counter by the difference, an array adds and removes set
        // elements, a boolean enables or disables a flag.
        if (_rules?.Field(string.Join('.', path)) is { } rule)
        {
            if (rule.CrdtKind is not { } declared)
                throw new SchemaViolationException($"'{string.Join('.', path)}' is a {rule.Kind}: a plain value cannot be written to it.")
                {
                    Violation = ViolationOf(ViolatedRule.Type, rule.Path),
                };
            try
            {
                if (FieldKindRegistry.Of(declared).AssignDeclared(this, path, value)) return;
            }
            catch (SchemaViolationException e) when (e.Violation is null && _subject is not null)
            {
                // The kind knows the value does not fit, not which document it was for.
                throw new SchemaViolationException(e.Message) { Violation = ViolationOf(ViolatedRule.Type, rule.Path) };
            }
        }
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
        if (_rules is not null) _written.Add(string.Join('.', path));
    }

    private void Unset(ImmutableArray<string> path)
    {
        if (_state.Fields.FieldAt(path) is null) return;
        if (_rules is not null) _written.Add(string.Join('.', path));
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

    private static TypeMismatchException Mismatch(FieldOp op, FieldKind kind)
    {
        string hint = op.Kind switch
        {
            FieldOpKind.Set => "unset it first to replace it with a plain value",
            FieldOpKind.Increment => "only a counter can be incremented",
            FieldOpKind.Add => "only a set takes add",
            FieldOpKind.Remove => "only a set takes remove",
            FieldOpKind.Enable => "only a flag can be enabled",
            _ => "only a flag can be disabled",
        };
        return new($"Cannot {FieldOp.WireName(op.Kind)} '{op.Path}': it is a {kind.ToWireName()} ({hint}).");
    }

    CrdtMap IFieldEditor.Fields => _state.Fields;
    Dot IFieldEditor.Dot => _context.Dot;
    string IFieldEditor.Origin => _context.Origin;
    void IFieldEditor.Emit(CrdtOp effect) => Emit(effect);
    void IFieldEditor.AssignValue(ImmutableArray<string> path, Value value) => AssignValue(path, value);
}
