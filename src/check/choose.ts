/**
 * Which manifest's house rules a room is checked against: the one named, else the only one,
 * else the one whose space has the subspace (chapter) the room is requested for.
 */
import { UserError } from "../diagnostics.ts";
import { allEntries, type Entry, type Manifest } from "../manifest/model.ts";

export function chooseManifest(manifests: readonly Manifest[], under?: string): Manifest {
  if (manifests.length === 1 && under === undefined) return manifests[0] as Manifest;
  if (under !== undefined) {
    const holding = manifests.filter((m) => subspace(m, under) !== undefined);
    if (holding.length === 1) return holding[0] as Manifest;
    throw new UserError(
      holding.length === 0
        ? `No manifest has a subspace with the key "${under}": name one of ${spacesOf(manifests)}.`
        : `Several manifests have a subspace "${under}" (${holding.map((m) => m.file).join(", ")}): name one with --manifest.`,
    );
  }
  throw new UserError(
    `${manifests.length} manifests were found (${spacesOf(manifests)}): name the one whose house rules apply with --manifest FILE.`,
  );
}

/** The subspace with this key (`chapters`), or the root for `space`. */
export function subspace(manifest: Manifest, key: string): Entry | undefined {
  return allEntries(manifest.space).find((e) => e.key === key && e.kind === "space");
}

function spacesOf(manifests: readonly Manifest[]): string {
  return manifests.map((m) => m.file).join(", ");
}
