namespace Causeway.Encoding;

/// <summary>The kinds of the IPLD data model.</summary>
public enum IpldKind : byte { Null, Bool, Integer, Float, String, Bytes, List, Map, Link }
