using Causeway.Schemas;

namespace Causeway.Models;

/// <summary>What attributes and the model builder say of one property; the builder's word wins.</summary>
internal sealed record FieldOptions
{
    public string? Name { get; init; }
    public bool Ignore { get; init; }
    public bool Required { get; init; }
    public bool Unique { get; init; }
    public string? UniqueGroup { get; init; }
    public bool MvReg { get; init; }
    public bool DisableWins { get; init; }
    public ReferencePolicy Policy { get; init; } = ReferencePolicy.AddWins;
    public long? Min { get; init; }
    public long? Max { get; init; }

    public static FieldOptions FromAttributes(System.Reflection.PropertyInfo property)
    {
        var options = new FieldOptions();
        foreach (var attribute in property.GetCustomAttributes(inherit: true))
        {
            options = attribute switch
            {
                FieldAttribute f => options with { Name = f.Name },
                IgnoreAttribute => options with { Ignore = true },
                RequiredAttribute => options with { Required = true },
                UniqueAttribute u => options with { Unique = true, UniqueGroup = u.Group },
                MvRegAttribute => options with { MvReg = true },
                DisableWinsAttribute => options with { DisableWins = true },
                ReferencesAttribute r => options with { Policy = r.Policy },
                BoundsAttribute b => options with { Min = b.MinOrNull, Max = b.MaxOrNull },
                _ => options,
            };
        }
        return options;
    }
}
