using System.Text.Json.Nodes;
using Replicator.Aws.LakeFormation;

namespace Replicator.Catalog.Grants;

/// <summary>
/// What the replica's grants on one resource lack, have beyond, or hold with a different grant option,
/// compared with the source's: pure, so the plan can be tested and counted in a dry run. Grants are
/// compared permission by permission (Lake Formation merges a principal's grants on a resource into
/// one entry), then put back together per principal and resource, one call each.
/// </summary>
/// <param name="Unchanged">Permissions the replica holds as the source does.</param>
public sealed record GrantDiff(IReadOnlyList<GrantChange> Grants, IReadOnlyList<GrantChange> Revokes, int Unchanged)
{
    /// <param name="copies">Whether a principal's grants are the sync's to copy.</param>
    /// <param name="permissions">The permissions the sync copies; others are left as they are in both regions.</param>
    public static GrantDiff Between(IEnumerable<PrincipalPermissions> source, IEnumerable<PrincipalPermissions> replica, Func<string, bool> copies, IReadOnlySet<string> permissions)
    {
        var wanted = Atoms(source, copies, permissions);
        var have = Atoms(replica, copies, permissions);
        var grants = new Changes();
        var revokes = new Changes();
        var unchanged = 0;
        foreach (var (atom, (resource, grantable)) in wanted)
        {
            if (!have.TryGetValue(atom, out var held))
            {
                grants.Add(atom, resource, permission: true, grantable, counts => counts.Created++);
            }
            else if (held.Grantable == grantable)
            {
                unchanged++;
            }
            else
            {
                // Only the grant option differs: granted along with the permission, or revoked alone.
                (grantable ? grants : revokes).Add(atom, resource, permission: grantable, grantable: true, counts => counts.Updated++);
            }
        }

        foreach (var (atom, (resource, grantable)) in have.Where(h => !wanted.ContainsKey(h.Key)))
        {
            revokes.Add(atom, resource, permission: true, grantable, counts => counts.Deleted++);
        }

        return new GrantDiff(grants.ToList(), revokes.ToList(), unchanged);
    }

    /// <summary>Canonical text of a resource: the same resource reads the same whatever order its fields came in.</summary>
    public static string KeyOf(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":{KeyOf(p.Value)}")) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(KeyOf)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };

    private static Dictionary<Atom, (JsonObject Resource, bool Grantable)> Atoms(IEnumerable<PrincipalPermissions> entries, Func<string, bool> copies, IReadOnlySet<string> permissions)
    {
        var atoms = new Dictionary<Atom, (JsonObject, bool)>();
        foreach (var entry in entries.Where(e => copies(e.Principal)))
        {
            var key = KeyOf(entry.Resource);
            foreach (var permission in entry.Permissions.Where(permissions.Contains))
            {
                var atom = new Atom(entry.Principal, key, permission);
                var grantable = entry.Grantable.Contains(permission) || (atoms.TryGetValue(atom, out var seen) && seen.Item2);
                atoms[atom] = (entry.Resource, grantable);
            }
        }

        return atoms;
    }

    /// <summary>One permission of one principal on one resource: the unit grants are compared in.</summary>
    private readonly record struct Atom(string Principal, string ResourceKey, string Permission);

    /// <summary>Changes gathered per principal and resource, in the order first met.</summary>
    private sealed class Changes
    {
        private readonly Dictionary<(string, string), (JsonObject Resource, SortedSet<string> Permissions, SortedSet<string> Grantable, KindCounts Counts)> _byTarget = [];
        private readonly List<(string, string)> _order = [];

        public void Add(Atom atom, JsonObject resource, bool permission, bool grantable, Action<KindCounts> count)
        {
            var target = (atom.Principal, atom.ResourceKey);
            if (!_byTarget.TryGetValue(target, out var change))
            {
                change = (resource, new SortedSet<string>(StringComparer.Ordinal), new SortedSet<string>(StringComparer.Ordinal), new KindCounts());
                _byTarget[target] = change;
                _order.Add(target);
            }

            if (permission)
            {
                change.Permissions.Add(atom.Permission);
            }

            if (grantable)
            {
                change.Grantable.Add(atom.Permission);
            }

            count(change.Counts);
        }

        public List<GrantChange> ToList() => _order.Select(target =>
        {
            var (resource, permissions, grantable, counts) = _byTarget[target];
            return new GrantChange(target.Item1, resource, permissions.ToList(), grantable.ToList(), counts);
        }).ToList();
    }
}

/// <summary>One GrantPermissions or RevokePermissions call.</summary>
/// <param name="Grantable">Permissions whose grant option is granted or revoked (with the permission, or alone when it is not in <paramref name="Permissions"/>).</param>
/// <param name="Counts">What it changes: permissions created or deleted whole, grant options alone updated.</param>
public sealed record GrantChange(string Principal, JsonObject Resource, IReadOnlyList<string> Permissions, IReadOnlyList<string> Grantable, KindCounts Counts)
{
    /// <summary>How a failure names it: <c>sales.orders SELECT (grant option DESCRIBE) to arn:…</c>.</summary>
    public string Describe() =>
        $"{ResourceName(Resource)} {string.Join(",", Permissions)}{(Grantable.Count > 0 ? $" (grant option {string.Join(",", Grantable)})" : "")} to {Principal}";

    /// <summary><c>db</c>, <c>db.table</c>, <c>db.*</c>, <c>db.table(columns)</c> or <c>db.table[filter]</c>.</summary>
    public static string ResourceName(JsonObject resource) => resource switch
    {
        _ when resource["Database"] is JsonObject d => (string?)d["Name"] ?? "?",
        _ when resource["Table"] is JsonObject t => $"{(string?)t["DatabaseName"]}.{(t["TableWildcard"] is not null ? "*" : (string?)t["Name"])}",
        _ when resource["DataCellsFilter"] is JsonObject f => $"{(string?)f["DatabaseName"]}.{(string?)f["TableName"]}[{(string?)f["Name"]}]",
        _ when resource["TableWithColumns"] is JsonObject c => $"{(string?)c["DatabaseName"]}.{(string?)c["Name"]}({GrantDiff.KeyOf(c["ColumnNames"] ?? c["ColumnWildcard"])})",
        _ => GrantDiff.KeyOf(resource),
    };
}
