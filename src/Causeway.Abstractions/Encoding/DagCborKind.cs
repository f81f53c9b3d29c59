namespace Causeway.Encoding;

/// <summary>What <see cref="DagCborReader.PeekKind"/> finds next: an IPLD data-model kind, or the
/// end of the current array, map or top-level item.</summary>
public enum DagCborKind : byte
{
    Null,
    Boolean,
    Integer,
    Float,
    Text,
    Bytes,
    Link,
    Array,
    Map,
    EndArray,
    EndMap,

    /// <summary>The top-level item has been read.</summary>
    End,
}
