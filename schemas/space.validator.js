/* eslint-disable */
// Generated from space.schema.json by `npm run schema:generate`: do not edit.
import runtime_ucs2length from "ajv/dist/runtime/ucs2length.js";
export default function createManifestValidator(formats) {
  const module = { exports: {} };
  module.exports = validate20;
  module.exports.default = validate20;
  const schema31 = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://spaceform.dev/schemas/space.schema.json",
    title: "spaceform manifest, version 1",
    description:
      "A Matrix space, its rooms and subspaces, and the community's house rules. A field that is absent is unmanaged: spaceform neither compares nor changes it.",
    type: "object",
    additionalProperties: false,
    required: ["version", "space"],
    properties: {
      version: { description: "Manifest format version. Always 1.", const: 1 },
      space: { description: "The root space.", $ref: "#/$defs/space" },
      defaults: {
        description:
          "Settings every room and subspace gets unless it sets its own (not the root space). A room's own value replaces the default for that field; power_levels merge field by field.",
        $ref: "#/$defs/defaults",
      },
      rooms: {
        description:
          "The root space's children: a map from a stable key to a room. A room with its own `rooms` is a subspace.",
        $ref: "#/$defs/rooms",
      },
      policies: {
        description:
          "House rules, checked by `spaceform validate` against the manifest and by `spaceform plan` against the state after apply.",
        $ref: "#/$defs/policies",
      },
    },
    $defs: {
      space: {
        type: "object",
        additionalProperties: false,
        properties: {
          id: { $ref: "#/$defs/id" },
          alias: { $ref: "#/$defs/alias" },
          alt_aliases: { $ref: "#/$defs/alt_aliases" },
          name: { $ref: "#/$defs/name" },
          topic: { $ref: "#/$defs/topic" },
          avatar: { $ref: "#/$defs/avatar" },
          join_rule: { $ref: "#/$defs/join_rule" },
          allow: { $ref: "#/$defs/allow" },
          history_visibility: { $ref: "#/$defs/history_visibility" },
          guest_access: { $ref: "#/$defs/guest_access" },
          encrypted: { $ref: "#/$defs/encrypted" },
          publish: { $ref: "#/$defs/publish" },
          room_version: { $ref: "#/$defs/room_version" },
          power_levels: { $ref: "#/$defs/power_levels" },
        },
      },
      room: {
        type: "object",
        additionalProperties: false,
        properties: {
          id: { $ref: "#/$defs/id" },
          alias: { $ref: "#/$defs/alias" },
          alt_aliases: { $ref: "#/$defs/alt_aliases" },
          name: { $ref: "#/$defs/name" },
          topic: { $ref: "#/$defs/topic" },
          avatar: { $ref: "#/$defs/avatar" },
          join_rule: { $ref: "#/$defs/join_rule" },
          allow: { $ref: "#/$defs/allow" },
          history_visibility: { $ref: "#/$defs/history_visibility" },
          guest_access: { $ref: "#/$defs/guest_access" },
          encrypted: { $ref: "#/$defs/encrypted" },
          publish: { $ref: "#/$defs/publish" },
          room_version: { $ref: "#/$defs/room_version" },
          power_levels: { $ref: "#/$defs/power_levels" },
          suggested: { $ref: "#/$defs/suggested" },
          order: { $ref: "#/$defs/order" },
          rooms: {
            description:
              "Makes this entry a subspace: its children, a map from a stable key to a room.",
            $ref: "#/$defs/rooms",
          },
        },
      },
      defaults: {
        type: "object",
        additionalProperties: false,
        properties: {
          topic: { $ref: "#/$defs/topic" },
          avatar: { $ref: "#/$defs/avatar" },
          join_rule: { $ref: "#/$defs/join_rule" },
          allow: { $ref: "#/$defs/allow" },
          history_visibility: { $ref: "#/$defs/history_visibility" },
          guest_access: { $ref: "#/$defs/guest_access" },
          encrypted: { $ref: "#/$defs/encrypted" },
          publish: { $ref: "#/$defs/publish" },
          room_version: { $ref: "#/$defs/room_version" },
          power_levels: { $ref: "#/$defs/power_levels" },
          suggested: { $ref: "#/$defs/suggested" },
        },
      },
      rooms: {
        type: "object",
        propertyNames: { $ref: "#/$defs/room_key" },
        additionalProperties: { $ref: "#/$defs/room" },
      },
      room_key: {
        description:
          "A room's stable key: lower-case letters, digits, `-` and `_`, starting with a letter or digit, at most 64 characters; unique across the whole manifest. `space` and `rooms` are reserved.",
        type: "string",
        pattern: "^[a-z0-9][a-z0-9_-]{0,63}$",
      },
      id: {
        description:
          "Pins the entry to an existing room or space by its room id (`!abc:example.org`). Without it, spaceform finds the room by its alias or its marker, or creates it.",
        type: "string",
        format: "matrix-room-id",
      },
      alias: {
        description:
          "Canonical alias. `#general` means the managing account's homeserver; `#general:example.org` is taken as written.",
        type: "string",
        format: "matrix-alias",
      },
      alt_aliases: {
        description:
          "Further published aliases (`alt_aliases` of `m.room.canonical_alias`), written like `alias`.",
        type: "array",
        uniqueItems: true,
        items: { type: "string", format: "matrix-alias" },
      },
      name: { description: "Display name (`m.room.name`).", type: "string" },
      topic: {
        description: "Topic (`m.room.topic`), plain text; may span several lines.",
        type: "string",
      },
      avatar: {
        description:
          "Avatar: an image file (PNG, JPEG, GIF or WebP) relative to the manifest, uploaded once and recognised by its sha256, or an `mxc://` URL used as is.",
        type: "string",
        format: "avatar",
      },
      join_rule: {
        description:
          "Who may join (`m.room.join_rules`). `knock` needs room version 7 or later, `restricted` 8, `knock_restricted` 10. `restricted` without `allow` means members of the parent space.",
        enum: ["public", "invite", "knock", "restricted", "knock_restricted"],
      },
      allow: {
        description:
          "For `restricted` and `knock_restricted`: rooms or spaces (ids or aliases) whose members may join. Absent: members of the parent space.",
        type: "array",
        uniqueItems: true,
        items: { type: "string", format: "matrix-room-ref" },
      },
      history_visibility: {
        description: "Who can read history (`m.room.history_visibility`).",
        enum: ["world_readable", "shared", "invited", "joined"],
      },
      guest_access: {
        description: "Whether guest accounts may join (`m.room.guest_access`).",
        enum: ["can_join", "forbidden"],
      },
      encrypted: {
        description:
          "End-to-end encryption (`m.room.encryption`). Once on it cannot be turned off.",
        type: "boolean",
      },
      publish: {
        description: "Listed in the homeserver's public room directory.",
        type: "boolean",
      },
      room_version: {
        description:
          'Room version (e.g. "12"): used when the room is created; an existing room of another version is upgraded (a new room replaces it, see docs/plan-format.md).',
        type: ["string", "integer"],
      },
      suggested: {
        description: "Shown as suggested in the parent space (`suggested` of `m.space.child`).",
        type: "boolean",
      },
      order: {
        description:
          "Sort key among the parent space's children (`order` of `m.space.child`): at most 50 printable ASCII characters, compared character by character.",
        type: "string",
        format: "space-child-order",
      },
      power_level: { type: "integer" },
      power_levels: {
        description:
          "Power levels (`m.room.power_levels`) with Matrix's own field names. Each absent field is unmanaged; a present `users` map is the complete list of users above `users_default`.",
        type: "object",
        additionalProperties: false,
        properties: {
          users: {
            description:
              "User id → power level. When present, it is the whole map: users not listed are set to `users_default`.",
            type: "object",
            propertyNames: { type: "string", format: "matrix-user-id" },
            additionalProperties: { $ref: "#/$defs/power_level" },
          },
          users_at_least: {
            description:
              "User id → the least power level the user must have. Additive: a listed user below it is raised to it, one at or above it is left alone, and nobody else is touched, so the rest of `users` stays the community's. With `users`, raises users above what `users` gives them. A room version 12 creator already has unlimited power and is never written into `users`.",
            type: "object",
            propertyNames: { type: "string", format: "matrix-user-id" },
            additionalProperties: { $ref: "#/$defs/power_level" },
          },
          users_default: {
            description: "Level of users not listed in `users` (Matrix default 0).",
            $ref: "#/$defs/power_level",
          },
          events: {
            description: "Event type → level needed to send it (e.g. `m.room.name: 50`).",
            type: "object",
            propertyNames: { type: "string", minLength: 1 },
            additionalProperties: { $ref: "#/$defs/power_level" },
          },
          events_default: {
            description:
              "Level needed to send message events not listed in `events` (Matrix default 0).",
            $ref: "#/$defs/power_level",
          },
          state_default: {
            description:
              "Level needed to send state events not listed in `events` (Matrix default 50).",
            $ref: "#/$defs/power_level",
          },
          ban: {
            description: "Level needed to ban (Matrix default 50).",
            $ref: "#/$defs/power_level",
          },
          kick: {
            description: "Level needed to kick (Matrix default 50).",
            $ref: "#/$defs/power_level",
          },
          redact: {
            description: "Level needed to redact others' events (Matrix default 50).",
            $ref: "#/$defs/power_level",
          },
          invite: {
            description: "Level needed to invite (Matrix default 0).",
            $ref: "#/$defs/power_level",
          },
        },
      },
      policies: {
        type: "object",
        additionalProperties: false,
        properties: {
          admins: {
            description: "Users that must hold power level 100 in every managed room and space.",
            type: "array",
            uniqueItems: true,
            items: { type: "string", format: "matrix-user-id" },
          },
          forbid_encryption: { description: "No managed room may be encrypted.", type: "boolean" },
          require_avatar: {
            description:
              "Every managed room and space needs an avatar: `error` fails, `warn` reports, `off` (default) ignores.",
            enum: ["error", "warn", "off"],
          },
          min_moderators: {
            description:
              "How many users at power level 50 or more, besides the admins and the managing account, every managed room and space needs. 0 (default) = no rule.",
            type: "integer",
            minimum: 0,
          },
          creators: {
            description:
              "Room version 12 gives a room's creators power above every level, which nobody can take away: `warn` (default) reports rooms that someone besides the managing account created, `require` fails rooms the managing account is not a creator of, `off` ignores.",
            enum: ["warn", "require", "off"],
          },
          name_prefixes: {
            description:
              "Naming rules: rooms whose key matches `match` must have a name starting with `prefix`.",
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["match", "prefix"],
              properties: {
                match: {
                  description:
                    "Glob on the room key: `*` any run of characters, `?` one character.",
                  type: "string",
                  minLength: 1,
                },
                prefix: {
                  description: "The name must start with this text.",
                  type: "string",
                  minLength: 1,
                },
              },
            },
          },
        },
      },
    },
  };
  const schema86 = {
    type: "object",
    additionalProperties: false,
    properties: {
      admins: {
        description: "Users that must hold power level 100 in every managed room and space.",
        type: "array",
        uniqueItems: true,
        items: { type: "string", format: "matrix-user-id" },
      },
      forbid_encryption: { description: "No managed room may be encrypted.", type: "boolean" },
      require_avatar: {
        description:
          "Every managed room and space needs an avatar: `error` fails, `warn` reports, `off` (default) ignores.",
        enum: ["error", "warn", "off"],
      },
      min_moderators: {
        description:
          "How many users at power level 50 or more, besides the admins and the managing account, every managed room and space needs. 0 (default) = no rule.",
        type: "integer",
        minimum: 0,
      },
      creators: {
        description:
          "Room version 12 gives a room's creators power above every level, which nobody can take away: `warn` (default) reports rooms that someone besides the managing account created, `require` fails rooms the managing account is not a creator of, `off` ignores.",
        enum: ["warn", "require", "off"],
      },
      name_prefixes: {
        description:
          "Naming rules: rooms whose key matches `match` must have a name starting with `prefix`.",
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["match", "prefix"],
          properties: {
            match: {
              description: "Glob on the room key: `*` any run of characters, `?` one character.",
              type: "string",
              minLength: 1,
            },
            prefix: {
              description: "The name must start with this text.",
              type: "string",
              minLength: 1,
            },
          },
        },
      },
    },
  };
  const schema32 = {
    type: "object",
    additionalProperties: false,
    properties: {
      id: { $ref: "#/$defs/id" },
      alias: { $ref: "#/$defs/alias" },
      alt_aliases: { $ref: "#/$defs/alt_aliases" },
      name: { $ref: "#/$defs/name" },
      topic: { $ref: "#/$defs/topic" },
      avatar: { $ref: "#/$defs/avatar" },
      join_rule: { $ref: "#/$defs/join_rule" },
      allow: { $ref: "#/$defs/allow" },
      history_visibility: { $ref: "#/$defs/history_visibility" },
      guest_access: { $ref: "#/$defs/guest_access" },
      encrypted: { $ref: "#/$defs/encrypted" },
      publish: { $ref: "#/$defs/publish" },
      room_version: { $ref: "#/$defs/room_version" },
      power_levels: { $ref: "#/$defs/power_levels" },
    },
  };
  const schema33 = {
    description:
      "Pins the entry to an existing room or space by its room id (`!abc:example.org`). Without it, spaceform finds the room by its alias or its marker, or creates it.",
    type: "string",
    format: "matrix-room-id",
  };
  const schema34 = {
    description:
      "Canonical alias. `#general` means the managing account's homeserver; `#general:example.org` is taken as written.",
    type: "string",
    format: "matrix-alias",
  };
  const schema35 = {
    description:
      "Further published aliases (`alt_aliases` of `m.room.canonical_alias`), written like `alias`.",
    type: "array",
    uniqueItems: true,
    items: { type: "string", format: "matrix-alias" },
  };
  const schema36 = { description: "Display name (`m.room.name`).", type: "string" };
  const schema37 = {
    description: "Topic (`m.room.topic`), plain text; may span several lines.",
    type: "string",
  };
  const schema38 = {
    description:
      "Avatar: an image file (PNG, JPEG, GIF or WebP) relative to the manifest, uploaded once and recognised by its sha256, or an `mxc://` URL used as is.",
    type: "string",
    format: "avatar",
  };
  const schema39 = {
    description:
      "Who may join (`m.room.join_rules`). `knock` needs room version 7 or later, `restricted` 8, `knock_restricted` 10. `restricted` without `allow` means members of the parent space.",
    enum: ["public", "invite", "knock", "restricted", "knock_restricted"],
  };
  const schema40 = {
    description:
      "For `restricted` and `knock_restricted`: rooms or spaces (ids or aliases) whose members may join. Absent: members of the parent space.",
    type: "array",
    uniqueItems: true,
    items: { type: "string", format: "matrix-room-ref" },
  };
  const schema41 = {
    description: "Who can read history (`m.room.history_visibility`).",
    enum: ["world_readable", "shared", "invited", "joined"],
  };
  const schema42 = {
    description: "Whether guest accounts may join (`m.room.guest_access`).",
    enum: ["can_join", "forbidden"],
  };
  const schema43 = {
    description: "End-to-end encryption (`m.room.encryption`). Once on it cannot be turned off.",
    type: "boolean",
  };
  const schema44 = {
    description: "Listed in the homeserver's public room directory.",
    type: "boolean",
  };
  const schema45 = {
    description:
      'Room version (e.g. "12"): used when the room is created; an existing room of another version is upgraded (a new room replaces it, see docs/plan-format.md).',
    type: ["string", "integer"],
  };
  const func1 = Object.prototype.hasOwnProperty;
  const formats0 = formats["matrix-room-id"];
  const formats2 = formats["matrix-alias"];
  const formats6 = formats.avatar;
  const formats8 = formats["matrix-room-ref"];
  const schema46 = {
    description:
      "Power levels (`m.room.power_levels`) with Matrix's own field names. Each absent field is unmanaged; a present `users` map is the complete list of users above `users_default`.",
    type: "object",
    additionalProperties: false,
    properties: {
      users: {
        description:
          "User id → power level. When present, it is the whole map: users not listed are set to `users_default`.",
        type: "object",
        propertyNames: { type: "string", format: "matrix-user-id" },
        additionalProperties: { $ref: "#/$defs/power_level" },
      },
      users_at_least: {
        description:
          "User id → the least power level the user must have. Additive: a listed user below it is raised to it, one at or above it is left alone, and nobody else is touched, so the rest of `users` stays the community's. With `users`, raises users above what `users` gives them. A room version 12 creator already has unlimited power and is never written into `users`.",
        type: "object",
        propertyNames: { type: "string", format: "matrix-user-id" },
        additionalProperties: { $ref: "#/$defs/power_level" },
      },
      users_default: {
        description: "Level of users not listed in `users` (Matrix default 0).",
        $ref: "#/$defs/power_level",
      },
      events: {
        description: "Event type → level needed to send it (e.g. `m.room.name: 50`).",
        type: "object",
        propertyNames: { type: "string", minLength: 1 },
        additionalProperties: { $ref: "#/$defs/power_level" },
      },
      events_default: {
        description:
          "Level needed to send message events not listed in `events` (Matrix default 0).",
        $ref: "#/$defs/power_level",
      },
      state_default: {
        description:
          "Level needed to send state events not listed in `events` (Matrix default 50).",
        $ref: "#/$defs/power_level",
      },
      ban: { description: "Level needed to ban (Matrix default 50).", $ref: "#/$defs/power_level" },
      kick: {
        description: "Level needed to kick (Matrix default 50).",
        $ref: "#/$defs/power_level",
      },
      redact: {
        description: "Level needed to redact others' events (Matrix default 50).",
        $ref: "#/$defs/power_level",
      },
      invite: {
        description: "Level needed to invite (Matrix default 0).",
        $ref: "#/$defs/power_level",
      },
    },
  };
  const schema47 = { type: "integer" };
  const func3 = runtime_ucs2length.default;
  const formats10 = formats["matrix-user-id"];
  function validate22(
    data,
    {
      instancePath = "",
      parentData,
      parentDataProperty,
      rootData = data,
      dynamicAnchors = {},
    } = {},
  ) {
    let vErrors = null;
    let errors = 0;
    const evaluated0 = validate22.evaluated;
    if (evaluated0.dynamicProps) {
      evaluated0.props = undefined;
    }
    if (evaluated0.dynamicItems) {
      evaluated0.items = undefined;
    }
    if (data && typeof data == "object" && !Array.isArray(data)) {
      for (const key0 in data) {
        if (!func1.call(schema46.properties, key0)) {
          const err0 = {
            instancePath,
            schemaPath: "#/additionalProperties",
            keyword: "additionalProperties",
            params: { additionalProperty: key0 },
            message: "must NOT have additional properties",
            schema: false,
            parentSchema: schema46,
            data,
          };
          if (vErrors === null) {
            vErrors = [err0];
          } else {
            vErrors.push(err0);
          }
          errors++;
        }
      }
      if (data.users !== undefined) {
        let data0 = data.users;
        if (data0 && typeof data0 == "object" && !Array.isArray(data0)) {
          for (const key1 in data0) {
            const _errs4 = errors;
            if (typeof key1 === "string") {
              if (!formats10.validate(key1)) {
                const err1 = {
                  instancePath: instancePath + "/users",
                  schemaPath: "#/properties/users/propertyNames/format",
                  keyword: "format",
                  params: { format: "matrix-user-id" },
                  message: 'must match format "' + "matrix-user-id" + '"',
                  schema: "matrix-user-id",
                  parentSchema: schema46.properties.users.propertyNames,
                  data: key1,
                  propertyName: key1,
                };
                if (vErrors === null) {
                  vErrors = [err1];
                } else {
                  vErrors.push(err1);
                }
                errors++;
              }
            } else {
              const err2 = {
                instancePath: instancePath + "/users",
                schemaPath: "#/properties/users/propertyNames/type",
                keyword: "type",
                params: { type: "string" },
                message: "must be string",
                schema: schema46.properties.users.propertyNames.type,
                parentSchema: schema46.properties.users.propertyNames,
                data: key1,
                propertyName: key1,
              };
              if (vErrors === null) {
                vErrors = [err2];
              } else {
                vErrors.push(err2);
              }
              errors++;
            }
            var valid1 = _errs4 === errors;
            if (!valid1) {
              const err3 = {
                instancePath: instancePath + "/users",
                schemaPath: "#/properties/users/propertyNames",
                keyword: "propertyNames",
                params: { propertyName: key1 },
                message: "property name must be valid",
                schema: schema46.properties.users.propertyNames,
                parentSchema: schema46.properties.users,
                data: data0,
              };
              if (vErrors === null) {
                vErrors = [err3];
              } else {
                vErrors.push(err3);
              }
              errors++;
            }
          }
          for (const key2 in data0) {
            let data1 = data0[key2];
            if (!(typeof data1 == "number" && !(data1 % 1) && !isNaN(data1) && isFinite(data1))) {
              const err4 = {
                instancePath:
                  instancePath + "/users/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),
                schemaPath: "#/$defs/power_level/type",
                keyword: "type",
                params: { type: "integer" },
                message: "must be integer",
                schema: schema47.type,
                parentSchema: schema47,
                data: data1,
              };
              if (vErrors === null) {
                vErrors = [err4];
              } else {
                vErrors.push(err4);
              }
              errors++;
            }
          }
        } else {
          const err5 = {
            instancePath: instancePath + "/users",
            schemaPath: "#/properties/users/type",
            keyword: "type",
            params: { type: "object" },
            message: "must be object",
            schema: schema46.properties.users.type,
            parentSchema: schema46.properties.users,
            data: data0,
          };
          if (vErrors === null) {
            vErrors = [err5];
          } else {
            vErrors.push(err5);
          }
          errors++;
        }
      }
      if (data.users_at_least !== undefined) {
        let data2 = data.users_at_least;
        if (data2 && typeof data2 == "object" && !Array.isArray(data2)) {
          for (const key3 in data2) {
            const _errs12 = errors;
            if (typeof key3 === "string") {
              if (!formats10.validate(key3)) {
                const err6 = {
                  instancePath: instancePath + "/users_at_least",
                  schemaPath: "#/properties/users_at_least/propertyNames/format",
                  keyword: "format",
                  params: { format: "matrix-user-id" },
                  message: 'must match format "' + "matrix-user-id" + '"',
                  schema: "matrix-user-id",
                  parentSchema: schema46.properties.users_at_least.propertyNames,
                  data: key3,
                  propertyName: key3,
                };
                if (vErrors === null) {
                  vErrors = [err6];
                } else {
                  vErrors.push(err6);
                }
                errors++;
              }
            } else {
              const err7 = {
                instancePath: instancePath + "/users_at_least",
                schemaPath: "#/properties/users_at_least/propertyNames/type",
                keyword: "type",
                params: { type: "string" },
                message: "must be string",
                schema: schema46.properties.users_at_least.propertyNames.type,
                parentSchema: schema46.properties.users_at_least.propertyNames,
                data: key3,
                propertyName: key3,
              };
              if (vErrors === null) {
                vErrors = [err7];
              } else {
                vErrors.push(err7);
              }
              errors++;
            }
            var valid4 = _errs12 === errors;
            if (!valid4) {
              const err8 = {
                instancePath: instancePath + "/users_at_least",
                schemaPath: "#/properties/users_at_least/propertyNames",
                keyword: "propertyNames",
                params: { propertyName: key3 },
                message: "property name must be valid",
                schema: schema46.properties.users_at_least.propertyNames,
                parentSchema: schema46.properties.users_at_least,
                data: data2,
              };
              if (vErrors === null) {
                vErrors = [err8];
              } else {
                vErrors.push(err8);
              }
              errors++;
            }
          }
          for (const key4 in data2) {
            let data3 = data2[key4];
            if (!(typeof data3 == "number" && !(data3 % 1) && !isNaN(data3) && isFinite(data3))) {
              const err9 = {
                instancePath:
                  instancePath + "/users_at_least/" + key4.replace(/~/g, "~0").replace(/\//g, "~1"),
                schemaPath: "#/$defs/power_level/type",
                keyword: "type",
                params: { type: "integer" },
                message: "must be integer",
                schema: schema47.type,
                parentSchema: schema47,
                data: data3,
              };
              if (vErrors === null) {
                vErrors = [err9];
              } else {
                vErrors.push(err9);
              }
              errors++;
            }
          }
        } else {
          const err10 = {
            instancePath: instancePath + "/users_at_least",
            schemaPath: "#/properties/users_at_least/type",
            keyword: "type",
            params: { type: "object" },
            message: "must be object",
            schema: schema46.properties.users_at_least.type,
            parentSchema: schema46.properties.users_at_least,
            data: data2,
          };
          if (vErrors === null) {
            vErrors = [err10];
          } else {
            vErrors.push(err10);
          }
          errors++;
        }
      }
      if (data.users_default !== undefined) {
        let data4 = data.users_default;
        if (!(typeof data4 == "number" && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
          const err11 = {
            instancePath: instancePath + "/users_default",
            schemaPath: "#/$defs/power_level/type",
            keyword: "type",
            params: { type: "integer" },
            message: "must be integer",
            schema: schema47.type,
            parentSchema: schema47,
            data: data4,
          };
          if (vErrors === null) {
            vErrors = [err11];
          } else {
            vErrors.push(err11);
          }
          errors++;
        }
      }
      if (data.events !== undefined) {
        let data5 = data.events;
        if (data5 && typeof data5 == "object" && !Array.isArray(data5)) {
          for (const key5 in data5) {
            const _errs23 = errors;
            if (typeof key5 === "string") {
              if (func3(key5) < 1) {
                const err12 = {
                  instancePath: instancePath + "/events",
                  schemaPath: "#/properties/events/propertyNames/minLength",
                  keyword: "minLength",
                  params: { limit: 1 },
                  message: "must NOT have fewer than 1 characters",
                  schema: 1,
                  parentSchema: schema46.properties.events.propertyNames,
                  data: key5,
                  propertyName: key5,
                };
                if (vErrors === null) {
                  vErrors = [err12];
                } else {
                  vErrors.push(err12);
                }
                errors++;
              }
            } else {
              const err13 = {
                instancePath: instancePath + "/events",
                schemaPath: "#/properties/events/propertyNames/type",
                keyword: "type",
                params: { type: "string" },
                message: "must be string",
                schema: schema46.properties.events.propertyNames.type,
                parentSchema: schema46.properties.events.propertyNames,
                data: key5,
                propertyName: key5,
              };
              if (vErrors === null) {
                vErrors = [err13];
              } else {
                vErrors.push(err13);
              }
              errors++;
            }
            var valid8 = _errs23 === errors;
            if (!valid8) {
              const err14 = {
                instancePath: instancePath + "/events",
                schemaPath: "#/properties/events/propertyNames",
                keyword: "propertyNames",
                params: { propertyName: key5 },
                message: "property name must be valid",
                schema: schema46.properties.events.propertyNames,
                parentSchema: schema46.properties.events,
                data: data5,
              };
              if (vErrors === null) {
                vErrors = [err14];
              } else {
                vErrors.push(err14);
              }
              errors++;
            }
          }
          for (const key6 in data5) {
            let data6 = data5[key6];
            if (!(typeof data6 == "number" && !(data6 % 1) && !isNaN(data6) && isFinite(data6))) {
              const err15 = {
                instancePath:
                  instancePath + "/events/" + key6.replace(/~/g, "~0").replace(/\//g, "~1"),
                schemaPath: "#/$defs/power_level/type",
                keyword: "type",
                params: { type: "integer" },
                message: "must be integer",
                schema: schema47.type,
                parentSchema: schema47,
                data: data6,
              };
              if (vErrors === null) {
                vErrors = [err15];
              } else {
                vErrors.push(err15);
              }
              errors++;
            }
          }
        } else {
          const err16 = {
            instancePath: instancePath + "/events",
            schemaPath: "#/properties/events/type",
            keyword: "type",
            params: { type: "object" },
            message: "must be object",
            schema: schema46.properties.events.type,
            parentSchema: schema46.properties.events,
            data: data5,
          };
          if (vErrors === null) {
            vErrors = [err16];
          } else {
            vErrors.push(err16);
          }
          errors++;
        }
      }
      if (data.events_default !== undefined) {
        let data7 = data.events_default;
        if (!(typeof data7 == "number" && !(data7 % 1) && !isNaN(data7) && isFinite(data7))) {
          const err17 = {
            instancePath: instancePath + "/events_default",
            schemaPath: "#/$defs/power_level/type",
            keyword: "type",
            params: { type: "integer" },
            message: "must be integer",
            schema: schema47.type,
            parentSchema: schema47,
            data: data7,
          };
          if (vErrors === null) {
            vErrors = [err17];
          } else {
            vErrors.push(err17);
          }
          errors++;
        }
      }
      if (data.state_default !== undefined) {
        let data8 = data.state_default;
        if (!(typeof data8 == "number" && !(data8 % 1) && !isNaN(data8) && isFinite(data8))) {
          const err18 = {
            instancePath: instancePath + "/state_default",
            schemaPath: "#/$defs/power_level/type",
            keyword: "type",
            params: { type: "integer" },
            message: "must be integer",
            schema: schema47.type,
            parentSchema: schema47,
            data: data8,
          };
          if (vErrors === null) {
            vErrors = [err18];
          } else {
            vErrors.push(err18);
          }
          errors++;
        }
      }
      if (data.ban !== undefined) {
        let data9 = data.ban;
        if (!(typeof data9 == "number" && !(data9 % 1) && !isNaN(data9) && isFinite(data9))) {
          const err19 = {
            instancePath: instancePath + "/ban",
            schemaPath: "#/$defs/power_level/type",
            keyword: "type",
            params: { type: "integer" },
            message: "must be integer",
            schema: schema47.type,
            parentSchema: schema47,
            data: data9,
          };
          if (vErrors === null) {
            vErrors = [err19];
          } else {
            vErrors.push(err19);
          }
          errors++;
        }
      }
      if (data.kick !== undefined) {
        let data10 = data.kick;
        if (!(typeof data10 == "number" && !(data10 % 1) && !isNaN(data10) && isFinite(data10))) {
          const err20 = {
            instancePath: instancePath + "/kick",
            schemaPath: "#/$defs/power_level/type",
            keyword: "type",
            params: { type: "integer" },
            message: "must be integer",
            schema: schema47.type,
            parentSchema: schema47,
            data: data10,
          };
          if (vErrors === null) {
            vErrors = [err20];
          } else {
            vErrors.push(err20);
          }
          errors++;
        }
      }
      if (data.redact !== undefined) {
        let data11 = data.redact;
        if (!(typeof data11 == "number" && !(data11 % 1) && !isNaN(data11) && isFinite(data11))) {
          const err21 = {
            instancePath: instancePath + "/redact",
            schemaPath: "#/$defs/power_level/type",
            keyword: "type",
            params: { type: "integer" },
            message: "must be integer",
            schema: schema47.type,
            parentSchema: schema47,
            data: data11,
          };
          if (vErrors === null) {
            vErrors = [err21];
          } else {
            vErrors.push(err21);
          }
          errors++;
        }
      }
      if (data.invite !== undefined) {
        let data12 = data.invite;
        if (!(typeof data12 == "number" && !(data12 % 1) && !isNaN(data12) && isFinite(data12))) {
          const err22 = {
            instancePath: instancePath + "/invite",
            schemaPath: "#/$defs/power_level/type",
            keyword: "type",
            params: { type: "integer" },
            message: "must be integer",
            schema: schema47.type,
            parentSchema: schema47,
            data: data12,
          };
          if (vErrors === null) {
            vErrors = [err22];
          } else {
            vErrors.push(err22);
          }
          errors++;
        }
      }
    } else {
      const err23 = {
        instancePath,
        schemaPath: "#/type",
        keyword: "type",
        params: { type: "object" },
        message: "must be object",
        schema: schema46.type,
        parentSchema: schema46,
        data,
      };
      if (vErrors === null) {
        vErrors = [err23];
      } else {
        vErrors.push(err23);
      }
      errors++;
    }
    validate22.errors = vErrors;
    return errors === 0;
  }
  validate22.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
  function validate21(
    data,
    {
      instancePath = "",
      parentData,
      parentDataProperty,
      rootData = data,
      dynamicAnchors = {},
    } = {},
  ) {
    let vErrors = null;
    let errors = 0;
    const evaluated0 = validate21.evaluated;
    if (evaluated0.dynamicProps) {
      evaluated0.props = undefined;
    }
    if (evaluated0.dynamicItems) {
      evaluated0.items = undefined;
    }
    if (data && typeof data == "object" && !Array.isArray(data)) {
      for (const key0 in data) {
        if (!func1.call(schema32.properties, key0)) {
          const err0 = {
            instancePath,
            schemaPath: "#/additionalProperties",
            keyword: "additionalProperties",
            params: { additionalProperty: key0 },
            message: "must NOT have additional properties",
            schema: false,
            parentSchema: schema32,
            data,
          };
          if (vErrors === null) {
            vErrors = [err0];
          } else {
            vErrors.push(err0);
          }
          errors++;
        }
      }
      if (data.id !== undefined) {
        let data0 = data.id;
        if (typeof data0 === "string") {
          if (!formats0.validate(data0)) {
            const err1 = {
              instancePath: instancePath + "/id",
              schemaPath: "#/$defs/id/format",
              keyword: "format",
              params: { format: "matrix-room-id" },
              message: 'must match format "' + "matrix-room-id" + '"',
              schema: "matrix-room-id",
              parentSchema: schema33,
              data: data0,
            };
            if (vErrors === null) {
              vErrors = [err1];
            } else {
              vErrors.push(err1);
            }
            errors++;
          }
        } else {
          const err2 = {
            instancePath: instancePath + "/id",
            schemaPath: "#/$defs/id/type",
            keyword: "type",
            params: { type: "string" },
            message: "must be string",
            schema: schema33.type,
            parentSchema: schema33,
            data: data0,
          };
          if (vErrors === null) {
            vErrors = [err2];
          } else {
            vErrors.push(err2);
          }
          errors++;
        }
      }
      if (data.alias !== undefined) {
        let data1 = data.alias;
        if (typeof data1 === "string") {
          if (!formats2.validate(data1)) {
            const err3 = {
              instancePath: instancePath + "/alias",
              schemaPath: "#/$defs/alias/format",
              keyword: "format",
              params: { format: "matrix-alias" },
              message: 'must match format "' + "matrix-alias" + '"',
              schema: "matrix-alias",
              parentSchema: schema34,
              data: data1,
            };
            if (vErrors === null) {
              vErrors = [err3];
            } else {
              vErrors.push(err3);
            }
            errors++;
          }
        } else {
          const err4 = {
            instancePath: instancePath + "/alias",
            schemaPath: "#/$defs/alias/type",
            keyword: "type",
            params: { type: "string" },
            message: "must be string",
            schema: schema34.type,
            parentSchema: schema34,
            data: data1,
          };
          if (vErrors === null) {
            vErrors = [err4];
          } else {
            vErrors.push(err4);
          }
          errors++;
        }
      }
      if (data.alt_aliases !== undefined) {
        let data2 = data.alt_aliases;
        if (Array.isArray(data2)) {
          const len0 = data2.length;
          for (let i0 = 0; i0 < len0; i0++) {
            let data3 = data2[i0];
            if (typeof data3 === "string") {
              if (!formats2.validate(data3)) {
                const err5 = {
                  instancePath: instancePath + "/alt_aliases/" + i0,
                  schemaPath: "#/$defs/alt_aliases/items/format",
                  keyword: "format",
                  params: { format: "matrix-alias" },
                  message: 'must match format "' + "matrix-alias" + '"',
                  schema: "matrix-alias",
                  parentSchema: schema35.items,
                  data: data3,
                };
                if (vErrors === null) {
                  vErrors = [err5];
                } else {
                  vErrors.push(err5);
                }
                errors++;
              }
            } else {
              const err6 = {
                instancePath: instancePath + "/alt_aliases/" + i0,
                schemaPath: "#/$defs/alt_aliases/items/type",
                keyword: "type",
                params: { type: "string" },
                message: "must be string",
                schema: schema35.items.type,
                parentSchema: schema35.items,
                data: data3,
              };
              if (vErrors === null) {
                vErrors = [err6];
              } else {
                vErrors.push(err6);
              }
              errors++;
            }
          }
          let i1 = data2.length;
          let j0;
          if (i1 > 1) {
            const indices0 = {};
            for (; i1--;) {
              let item0 = data2[i1];
              if (typeof item0 !== "string") {
                continue;
              }
              if (typeof indices0[item0] == "number") {
                j0 = indices0[item0];
                const err7 = {
                  instancePath: instancePath + "/alt_aliases",
                  schemaPath: "#/$defs/alt_aliases/uniqueItems",
                  keyword: "uniqueItems",
                  params: { i: i1, j: j0 },
                  message:
                    "must NOT have duplicate items (items ## " +
                    j0 +
                    " and " +
                    i1 +
                    " are identical)",
                  schema: true,
                  parentSchema: schema35,
                  data: data2,
                };
                if (vErrors === null) {
                  vErrors = [err7];
                } else {
                  vErrors.push(err7);
                }
                errors++;
                break;
              }
              indices0[item0] = i1;
            }
          }
        } else {
          const err8 = {
            instancePath: instancePath + "/alt_aliases",
            schemaPath: "#/$defs/alt_aliases/type",
            keyword: "type",
            params: { type: "array" },
            message: "must be array",
            schema: schema35.type,
            parentSchema: schema35,
            data: data2,
          };
          if (vErrors === null) {
            vErrors = [err8];
          } else {
            vErrors.push(err8);
          }
          errors++;
        }
      }
      if (data.name !== undefined) {
        let data4 = data.name;
        if (typeof data4 !== "string") {
          const err9 = {
            instancePath: instancePath + "/name",
            schemaPath: "#/$defs/name/type",
            keyword: "type",
            params: { type: "string" },
            message: "must be string",
            schema: schema36.type,
            parentSchema: schema36,
            data: data4,
          };
          if (vErrors === null) {
            vErrors = [err9];
          } else {
            vErrors.push(err9);
          }
          errors++;
        }
      }
      if (data.topic !== undefined) {
        let data5 = data.topic;
        if (typeof data5 !== "string") {
          const err10 = {
            instancePath: instancePath + "/topic",
            schemaPath: "#/$defs/topic/type",
            keyword: "type",
            params: { type: "string" },
            message: "must be string",
            schema: schema37.type,
            parentSchema: schema37,
            data: data5,
          };
          if (vErrors === null) {
            vErrors = [err10];
          } else {
            vErrors.push(err10);
          }
          errors++;
        }
      }
      if (data.avatar !== undefined) {
        let data6 = data.avatar;
        if (typeof data6 === "string") {
          if (!formats6.validate(data6)) {
            const err11 = {
              instancePath: instancePath + "/avatar",
              schemaPath: "#/$defs/avatar/format",
              keyword: "format",
              params: { format: "avatar" },
              message: 'must match format "' + "avatar" + '"',
              schema: "avatar",
              parentSchema: schema38,
              data: data6,
            };
            if (vErrors === null) {
              vErrors = [err11];
            } else {
              vErrors.push(err11);
            }
            errors++;
          }
        } else {
          const err12 = {
            instancePath: instancePath + "/avatar",
            schemaPath: "#/$defs/avatar/type",
            keyword: "type",
            params: { type: "string" },
            message: "must be string",
            schema: schema38.type,
            parentSchema: schema38,
            data: data6,
          };
          if (vErrors === null) {
            vErrors = [err12];
          } else {
            vErrors.push(err12);
          }
          errors++;
        }
      }
      if (data.join_rule !== undefined) {
        let data7 = data.join_rule;
        if (!(
          data7 === "public" ||
          data7 === "invite" ||
          data7 === "knock" ||
          data7 === "restricted" ||
          data7 === "knock_restricted"
        )) {
          const err13 = {
            instancePath: instancePath + "/join_rule",
            schemaPath: "#/$defs/join_rule/enum",
            keyword: "enum",
            params: { allowedValues: schema39.enum },
            message: "must be equal to one of the allowed values",
            schema: schema39.enum,
            parentSchema: schema39,
            data: data7,
          };
          if (vErrors === null) {
            vErrors = [err13];
          } else {
            vErrors.push(err13);
          }
          errors++;
        }
      }
      if (data.allow !== undefined) {
        let data8 = data.allow;
        if (Array.isArray(data8)) {
          const len1 = data8.length;
          for (let i2 = 0; i2 < len1; i2++) {
            let data9 = data8[i2];
            if (typeof data9 === "string") {
              if (!formats8.validate(data9)) {
                const err14 = {
                  instancePath: instancePath + "/allow/" + i2,
                  schemaPath: "#/$defs/allow/items/format",
                  keyword: "format",
                  params: { format: "matrix-room-ref" },
                  message: 'must match format "' + "matrix-room-ref" + '"',
                  schema: "matrix-room-ref",
                  parentSchema: schema40.items,
                  data: data9,
                };
                if (vErrors === null) {
                  vErrors = [err14];
                } else {
                  vErrors.push(err14);
                }
                errors++;
              }
            } else {
              const err15 = {
                instancePath: instancePath + "/allow/" + i2,
                schemaPath: "#/$defs/allow/items/type",
                keyword: "type",
                params: { type: "string" },
                message: "must be string",
                schema: schema40.items.type,
                parentSchema: schema40.items,
                data: data9,
              };
              if (vErrors === null) {
                vErrors = [err15];
              } else {
                vErrors.push(err15);
              }
              errors++;
            }
          }
          let i3 = data8.length;
          let j1;
          if (i3 > 1) {
            const indices1 = {};
            for (; i3--;) {
              let item1 = data8[i3];
              if (typeof item1 !== "string") {
                continue;
              }
              if (typeof indices1[item1] == "number") {
                j1 = indices1[item1];
                const err16 = {
                  instancePath: instancePath + "/allow",
                  schemaPath: "#/$defs/allow/uniqueItems",
                  keyword: "uniqueItems",
                  params: { i: i3, j: j1 },
                  message:
                    "must NOT have duplicate items (items ## " +
                    j1 +
                    " and " +
                    i3 +
                    " are identical)",
                  schema: true,
                  parentSchema: schema40,
                  data: data8,
                };
                if (vErrors === null) {
                  vErrors = [err16];
                } else {
                  vErrors.push(err16);
                }
                errors++;
                break;
              }
              indices1[item1] = i3;
            }
          }
        } else {
          const err17 = {
            instancePath: instancePath + "/allow",
            schemaPath: "#/$defs/allow/type",
            keyword: "type",
            params: { type: "array" },
            message: "must be array",
            schema: schema40.type,
            parentSchema: schema40,
            data: data8,
          };
          if (vErrors === null) {
            vErrors = [err17];
          } else {
            vErrors.push(err17);
          }
          errors++;
        }
      }
      if (data.history_visibility !== undefined) {
        let data10 = data.history_visibility;
        if (!(
          data10 === "world_readable" ||
          data10 === "shared" ||
          data10 === "invited" ||
          data10 === "joined"
        )) {
          const err18 = {
            instancePath: instancePath + "/history_visibility",
            schemaPath: "#/$defs/history_visibility/enum",
            keyword: "enum",
            params: { allowedValues: schema41.enum },
            message: "must be equal to one of the allowed values",
            schema: schema41.enum,
            parentSchema: schema41,
            data: data10,
          };
          if (vErrors === null) {
            vErrors = [err18];
          } else {
            vErrors.push(err18);
          }
          errors++;
        }
      }
      if (data.guest_access !== undefined) {
        let data11 = data.guest_access;
        if (!(data11 === "can_join" || data11 === "forbidden")) {
          const err19 = {
            instancePath: instancePath + "/guest_access",
            schemaPath: "#/$defs/guest_access/enum",
            keyword: "enum",
            params: { allowedValues: schema42.enum },
            message: "must be equal to one of the allowed values",
            schema: schema42.enum,
            parentSchema: schema42,
            data: data11,
          };
          if (vErrors === null) {
            vErrors = [err19];
          } else {
            vErrors.push(err19);
          }
          errors++;
        }
      }
      if (data.encrypted !== undefined) {
        let data12 = data.encrypted;
        if (typeof data12 !== "boolean") {
          const err20 = {
            instancePath: instancePath + "/encrypted",
            schemaPath: "#/$defs/encrypted/type",
            keyword: "type",
            params: { type: "boolean" },
            message: "must be boolean",
            schema: schema43.type,
            parentSchema: schema43,
            data: data12,
          };
          if (vErrors === null) {
            vErrors = [err20];
          } else {
            vErrors.push(err20);
          }
          errors++;
        }
      }
      if (data.publish !== undefined) {
        let data13 = data.publish;
        if (typeof data13 !== "boolean") {
          const err21 = {
            instancePath: instancePath + "/publish",
            schemaPath: "#/$defs/publish/type",
            keyword: "type",
            params: { type: "boolean" },
            message: "must be boolean",
            schema: schema44.type,
            parentSchema: schema44,
            data: data13,
          };
          if (vErrors === null) {
            vErrors = [err21];
          } else {
            vErrors.push(err21);
          }
          errors++;
        }
      }
      if (data.room_version !== undefined) {
        let data14 = data.room_version;
        if (
          typeof data14 !== "string" &&
          !(typeof data14 == "number" && !(data14 % 1) && !isNaN(data14) && isFinite(data14))
        ) {
          const err22 = {
            instancePath: instancePath + "/room_version",
            schemaPath: "#/$defs/room_version/type",
            keyword: "type",
            params: { type: schema45.type },
            message: "must be string,integer",
            schema: schema45.type,
            parentSchema: schema45,
            data: data14,
          };
          if (vErrors === null) {
            vErrors = [err22];
          } else {
            vErrors.push(err22);
          }
          errors++;
        }
      }
      if (data.power_levels !== undefined) {
        if (
          !validate22(data.power_levels, {
            instancePath: instancePath + "/power_levels",
            parentData: data,
            parentDataProperty: "power_levels",
            rootData,
            dynamicAnchors,
          })
        ) {
          vErrors = vErrors === null ? validate22.errors : vErrors.concat(validate22.errors);
          errors = vErrors.length;
        }
      }
    } else {
      const err23 = {
        instancePath,
        schemaPath: "#/type",
        keyword: "type",
        params: { type: "object" },
        message: "must be object",
        schema: schema32.type,
        parentSchema: schema32,
        data,
      };
      if (vErrors === null) {
        vErrors = [err23];
      } else {
        vErrors.push(err23);
      }
      errors++;
    }
    validate21.errors = vErrors;
    return errors === 0;
  }
  validate21.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
  const schema57 = {
    type: "object",
    additionalProperties: false,
    properties: {
      topic: { $ref: "#/$defs/topic" },
      avatar: { $ref: "#/$defs/avatar" },
      join_rule: { $ref: "#/$defs/join_rule" },
      allow: { $ref: "#/$defs/allow" },
      history_visibility: { $ref: "#/$defs/history_visibility" },
      guest_access: { $ref: "#/$defs/guest_access" },
      encrypted: { $ref: "#/$defs/encrypted" },
      publish: { $ref: "#/$defs/publish" },
      room_version: { $ref: "#/$defs/room_version" },
      power_levels: { $ref: "#/$defs/power_levels" },
      suggested: { $ref: "#/$defs/suggested" },
    },
  };
  const schema67 = {
    description: "Shown as suggested in the parent space (`suggested` of `m.space.child`).",
    type: "boolean",
  };
  function validate25(
    data,
    {
      instancePath = "",
      parentData,
      parentDataProperty,
      rootData = data,
      dynamicAnchors = {},
    } = {},
  ) {
    let vErrors = null;
    let errors = 0;
    const evaluated0 = validate25.evaluated;
    if (evaluated0.dynamicProps) {
      evaluated0.props = undefined;
    }
    if (evaluated0.dynamicItems) {
      evaluated0.items = undefined;
    }
    if (data && typeof data == "object" && !Array.isArray(data)) {
      for (const key0 in data) {
        if (!func1.call(schema57.properties, key0)) {
          const err0 = {
            instancePath,
            schemaPath: "#/additionalProperties",
            keyword: "additionalProperties",
            params: { additionalProperty: key0 },
            message: "must NOT have additional properties",
            schema: false,
            parentSchema: schema57,
            data,
          };
          if (vErrors === null) {
            vErrors = [err0];
          } else {
            vErrors.push(err0);
          }
          errors++;
        }
      }
      if (data.topic !== undefined) {
        let data0 = data.topic;
        if (typeof data0 !== "string") {
          const err1 = {
            instancePath: instancePath + "/topic",
            schemaPath: "#/$defs/topic/type",
            keyword: "type",
            params: { type: "string" },
            message: "must be string",
            schema: schema37.type,
            parentSchema: schema37,
            data: data0,
          };
          if (vErrors === null) {
            vErrors = [err1];
          } else {
            vErrors.push(err1);
          }
          errors++;
        }
      }
      if (data.avatar !== undefined) {
        let data1 = data.avatar;
        if (typeof data1 === "string") {
          if (!formats6.validate(data1)) {
            const err2 = {
              instancePath: instancePath + "/avatar",
              schemaPath: "#/$defs/avatar/format",
              keyword: "format",
              params: { format: "avatar" },
              message: 'must match format "' + "avatar" + '"',
              schema: "avatar",
              parentSchema: schema38,
              data: data1,
            };
            if (vErrors === null) {
              vErrors = [err2];
            } else {
              vErrors.push(err2);
            }
            errors++;
          }
        } else {
          const err3 = {
            instancePath: instancePath + "/avatar",
            schemaPath: "#/$defs/avatar/type",
            keyword: "type",
            params: { type: "string" },
            message: "must be string",
            schema: schema38.type,
            parentSchema: schema38,
            data: data1,
          };
          if (vErrors === null) {
            vErrors = [err3];
          } else {
            vErrors.push(err3);
          }
          errors++;
        }
      }
      if (data.join_rule !== undefined) {
        let data2 = data.join_rule;
        if (!(
          data2 === "public" ||
          data2 === "invite" ||
          data2 === "knock" ||
          data2 === "restricted" ||
          data2 === "knock_restricted"
        )) {
          const err4 = {
            instancePath: instancePath + "/join_rule",
            schemaPath: "#/$defs/join_rule/enum",
            keyword: "enum",
            params: { allowedValues: schema39.enum },
            message: "must be equal to one of the allowed values",
            schema: schema39.enum,
            parentSchema: schema39,
            data: data2,
          };
          if (vErrors === null) {
            vErrors = [err4];
          } else {
            vErrors.push(err4);
          }
          errors++;
        }
      }
      if (data.allow !== undefined) {
        let data3 = data.allow;
        if (Array.isArray(data3)) {
          const len0 = data3.length;
          for (let i0 = 0; i0 < len0; i0++) {
            let data4 = data3[i0];
            if (typeof data4 === "string") {
              if (!formats8.validate(data4)) {
                const err5 = {
                  instancePath: instancePath + "/allow/" + i0,
                  schemaPath: "#/$defs/allow/items/format",
                  keyword: "format",
                  params: { format: "matrix-room-ref" },
                  message: 'must match format "' + "matrix-room-ref" + '"',
                  schema: "matrix-room-ref",
                  parentSchema: schema40.items,
                  data: data4,
                };
                if (vErrors === null) {
                  vErrors = [err5];
                } else {
                  vErrors.push(err5);
                }
                errors++;
              }
            } else {
              const err6 = {
                instancePath: instancePath + "/allow/" + i0,
                schemaPath: "#/$defs/allow/items/type",
                keyword: "type",
                params: { type: "string" },
                message: "must be string",
                schema: schema40.items.type,
                parentSchema: schema40.items,
                data: data4,
              };
              if (vErrors === null) {
                vErrors = [err6];
              } else {
                vErrors.push(err6);
              }
              errors++;
            }
          }
          let i1 = data3.length;
          let j0;
          if (i1 > 1) {
            const indices0 = {};
            for (; i1--;) {
              let item0 = data3[i1];
              if (typeof item0 !== "string") {
                continue;
              }
              if (typeof indices0[item0] == "number") {
                j0 = indices0[item0];
                const err7 = {
                  instancePath: instancePath + "/allow",
                  schemaPath: "#/$defs/allow/uniqueItems",
                  keyword: "uniqueItems",
                  params: { i: i1, j: j0 },
                  message:
                    "must NOT have duplicate items (items ## " +
                    j0 +
                    " and " +
                    i1 +
                    " are identical)",
                  schema: true,
                  parentSchema: schema40,
                  data: data3,
                };
                if (vErrors === null) {
                  vErrors = [err7];
                } else {
                  vErrors.push(err7);
                }
                errors++;
                break;
              }
              indices0[item0] = i1;
            }
          }
        } else {
          const err8 = {
            instancePath: instancePath + "/allow",
            schemaPath: "#/$defs/allow/type",
            keyword: "type",
            params: { type: "array" },
            message: "must be array",
            schema: schema40.type,
            parentSchema: schema40,
            data: data3,
          };
          if (vErrors === null) {
            vErrors = [err8];
          } else {
            vErrors.push(err8);
          }
          errors++;
        }
      }
      if (data.history_visibility !== undefined) {
        let data5 = data.history_visibility;
        if (!(
          data5 === "world_readable" ||
          data5 === "shared" ||
          data5 === "invited" ||
          data5 === "joined"
        )) {
          const err9 = {
            instancePath: instancePath + "/history_visibility",
            schemaPath: "#/$defs/history_visibility/enum",
            keyword: "enum",
            params: { allowedValues: schema41.enum },
            message: "must be equal to one of the allowed values",
            schema: schema41.enum,
            parentSchema: schema41,
            data: data5,
          };
          if (vErrors === null) {
            vErrors = [err9];
          } else {
            vErrors.push(err9);
          }
          errors++;
        }
      }
      if (data.guest_access !== undefined) {
        let data6 = data.guest_access;
        if (!(data6 === "can_join" || data6 === "forbidden")) {
          const err10 = {
            instancePath: instancePath + "/guest_access",
            schemaPath: "#/$defs/guest_access/enum",
            keyword: "enum",
            params: { allowedValues: schema42.enum },
            message: "must be equal to one of the allowed values",
            schema: schema42.enum,
            parentSchema: schema42,
            data: data6,
          };
          if (vErrors === null) {
            vErrors = [err10];
          } else {
            vErrors.push(err10);
          }
          errors++;
        }
      }
      if (data.encrypted !== undefined) {
        let data7 = data.encrypted;
        if (typeof data7 !== "boolean") {
          const err11 = {
            instancePath: instancePath + "/encrypted",
            schemaPath: "#/$defs/encrypted/type",
            keyword: "type",
            params: { type: "boolean" },
            message: "must be boolean",
            schema: schema43.type,
            parentSchema: schema43,
            data: data7,
          };
          if (vErrors === null) {
            vErrors = [err11];
          } else {
            vErrors.push(err11);
          }
          errors++;
        }
      }
      if (data.publish !== undefined) {
        let data8 = data.publish;
        if (typeof data8 !== "boolean") {
          const err12 = {
            instancePath: instancePath + "/publish",
            schemaPath: "#/$defs/publish/type",
            keyword: "type",
            params: { type: "boolean" },
            message: "must be boolean",
            schema: schema44.type,
            parentSchema: schema44,
            data: data8,
          };
          if (vErrors === null) {
            vErrors = [err12];
          } else {
            vErrors.push(err12);
          }
          errors++;
        }
      }
      if (data.room_version !== undefined) {
        let data9 = data.room_version;
        if (
          typeof data9 !== "string" &&
          !(typeof data9 == "number" && !(data9 % 1) && !isNaN(data9) && isFinite(data9))
        ) {
          const err13 = {
            instancePath: instancePath + "/room_version",
            schemaPath: "#/$defs/room_version/type",
            keyword: "type",
            params: { type: schema45.type },
            message: "must be string,integer",
            schema: schema45.type,
            parentSchema: schema45,
            data: data9,
          };
          if (vErrors === null) {
            vErrors = [err13];
          } else {
            vErrors.push(err13);
          }
          errors++;
        }
      }
      if (data.power_levels !== undefined) {
        if (
          !validate22(data.power_levels, {
            instancePath: instancePath + "/power_levels",
            parentData: data,
            parentDataProperty: "power_levels",
            rootData,
            dynamicAnchors,
          })
        ) {
          vErrors = vErrors === null ? validate22.errors : vErrors.concat(validate22.errors);
          errors = vErrors.length;
        }
      }
      if (data.suggested !== undefined) {
        let data11 = data.suggested;
        if (typeof data11 !== "boolean") {
          const err14 = {
            instancePath: instancePath + "/suggested",
            schemaPath: "#/$defs/suggested/type",
            keyword: "type",
            params: { type: "boolean" },
            message: "must be boolean",
            schema: schema67.type,
            parentSchema: schema67,
            data: data11,
          };
          if (vErrors === null) {
            vErrors = [err14];
          } else {
            vErrors.push(err14);
          }
          errors++;
        }
      }
    } else {
      const err15 = {
        instancePath,
        schemaPath: "#/type",
        keyword: "type",
        params: { type: "object" },
        message: "must be object",
        schema: schema57.type,
        parentSchema: schema57,
        data,
      };
      if (vErrors === null) {
        vErrors = [err15];
      } else {
        vErrors.push(err15);
      }
      errors++;
    }
    validate25.errors = vErrors;
    return errors === 0;
  }
  validate25.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
  const schema68 = {
    type: "object",
    propertyNames: { $ref: "#/$defs/room_key" },
    additionalProperties: { $ref: "#/$defs/room" },
  };
  const schema69 = {
    description:
      "A room's stable key: lower-case letters, digits, `-` and `_`, starting with a letter or digit, at most 64 characters; unique across the whole manifest. `space` and `rooms` are reserved.",
    type: "string",
    pattern: "^[a-z0-9][a-z0-9_-]{0,63}$",
  };
  const pattern4 = new RegExp("^[a-z0-9][a-z0-9_-]{0,63}$", "u");
  const schema70 = {
    type: "object",
    additionalProperties: false,
    properties: {
      id: { $ref: "#/$defs/id" },
      alias: { $ref: "#/$defs/alias" },
      alt_aliases: { $ref: "#/$defs/alt_aliases" },
      name: { $ref: "#/$defs/name" },
      topic: { $ref: "#/$defs/topic" },
      avatar: { $ref: "#/$defs/avatar" },
      join_rule: { $ref: "#/$defs/join_rule" },
      allow: { $ref: "#/$defs/allow" },
      history_visibility: { $ref: "#/$defs/history_visibility" },
      guest_access: { $ref: "#/$defs/guest_access" },
      encrypted: { $ref: "#/$defs/encrypted" },
      publish: { $ref: "#/$defs/publish" },
      room_version: { $ref: "#/$defs/room_version" },
      power_levels: { $ref: "#/$defs/power_levels" },
      suggested: { $ref: "#/$defs/suggested" },
      order: { $ref: "#/$defs/order" },
      rooms: {
        description:
          "Makes this entry a subspace: its children, a map from a stable key to a room.",
        $ref: "#/$defs/rooms",
      },
    },
  };
  const schema85 = {
    description:
      "Sort key among the parent space's children (`order` of `m.space.child`): at most 50 printable ASCII characters, compared character by character.",
    type: "string",
    format: "space-child-order",
  };
  const formats28 = formats["space-child-order"];
  const wrapper0 = { validate: validate28 };
  function validate29(
    data,
    {
      instancePath = "",
      parentData,
      parentDataProperty,
      rootData = data,
      dynamicAnchors = {},
    } = {},
  ) {
    let vErrors = null;
    let errors = 0;
    const evaluated0 = validate29.evaluated;
    if (evaluated0.dynamicProps) {
      evaluated0.props = undefined;
    }
    if (evaluated0.dynamicItems) {
      evaluated0.items = undefined;
    }
    if (data && typeof data == "object" && !Array.isArray(data)) {
      for (const key0 in data) {
        if (!func1.call(schema70.properties, key0)) {
          const err0 = {
            instancePath,
            schemaPath: "#/additionalProperties",
            keyword: "additionalProperties",
            params: { additionalProperty: key0 },
            message: "must NOT have additional properties",
            schema: false,
            parentSchema: schema70,
            data,
          };
          if (vErrors === null) {
            vErrors = [err0];
          } else {
            vErrors.push(err0);
          }
          errors++;
        }
      }
      if (data.id !== undefined) {
        let data0 = data.id;
        if (typeof data0 === "string") {
          if (!formats0.validate(data0)) {
            const err1 = {
              instancePath: instancePath + "/id",
              schemaPath: "#/$defs/id/format",
              keyword: "format",
              params: { format: "matrix-room-id" },
              message: 'must match format "' + "matrix-room-id" + '"',
              schema: "matrix-room-id",
              parentSchema: schema33,
              data: data0,
            };
            if (vErrors === null) {
              vErrors = [err1];
            } else {
              vErrors.push(err1);
            }
            errors++;
          }
        } else {
          const err2 = {
            instancePath: instancePath + "/id",
            schemaPath: "#/$defs/id/type",
            keyword: "type",
            params: { type: "string" },
            message: "must be string",
            schema: schema33.type,
            parentSchema: schema33,
            data: data0,
          };
          if (vErrors === null) {
            vErrors = [err2];
          } else {
            vErrors.push(err2);
          }
          errors++;
        }
      }
      if (data.alias !== undefined) {
        let data1 = data.alias;
        if (typeof data1 === "string") {
          if (!formats2.validate(data1)) {
            const err3 = {
              instancePath: instancePath + "/alias",
              schemaPath: "#/$defs/alias/format",
              keyword: "format",
              params: { format: "matrix-alias" },
              message: 'must match format "' + "matrix-alias" + '"',
              schema: "matrix-alias",
              parentSchema: schema34,
              data: data1,
            };
            if (vErrors === null) {
              vErrors = [err3];
            } else {
              vErrors.push(err3);
            }
            errors++;
          }
        } else {
          const err4 = {
            instancePath: instancePath + "/alias",
            schemaPath: "#/$defs/alias/type",
            keyword: "type",
            params: { type: "string" },
            message: "must be string",
            schema: schema34.type,
            parentSchema: schema34,
            data: data1,
          };
          if (vErrors === null) {
            vErrors = [err4];
          } else {
            vErrors.push(err4);
          }
          errors++;
        }
      }
      if (data.alt_aliases !== undefined) {
        let data2 = data.alt_aliases;
        if (Array.isArray(data2)) {
          const len0 = data2.length;
          for (let i0 = 0; i0 < len0; i0++) {
            let data3 = data2[i0];
            if (typeof data3 === "string") {
              if (!formats2.validate(data3)) {
                const err5 = {
                  instancePath: instancePath + "/alt_aliases/" + i0,
                  schemaPath: "#/$defs/alt_aliases/items/format",
                  keyword: "format",
                  params: { format: "matrix-alias" },
                  message: 'must match format "' + "matrix-alias" + '"',
                  schema: "matrix-alias",
                  parentSchema: schema35.items,
                  data: data3,
                };
                if (vErrors === null) {
                  vErrors = [err5];
                } else {
                  vErrors.push(err5);
                }
                errors++;
              }
            } else {
              const err6 = {
                instancePath: instancePath + "/alt_aliases/" + i0,
                schemaPath: "#/$defs/alt_aliases/items/type",
                keyword: "type",
                params: { type: "string" },
                message: "must be string",
                schema: schema35.items.type,
                parentSchema: schema35.items,
                data: data3,
              };
              if (vErrors === null) {
                vErrors = [err6];
              } else {
                vErrors.push(err6);
              }
              errors++;
            }
          }
          let i1 = data2.length;
          let j0;
          if (i1 > 1) {
            const indices0 = {};
            for (; i1--;) {
              let item0 = data2[i1];
              if (typeof item0 !== "string") {
                continue;
              }
              if (typeof indices0[item0] == "number") {
                j0 = indices0[item0];
                const err7 = {
                  instancePath: instancePath + "/alt_aliases",
                  schemaPath: "#/$defs/alt_aliases/uniqueItems",
                  keyword: "uniqueItems",
                  params: { i: i1, j: j0 },
                  message:
                    "must NOT have duplicate items (items ## " +
                    j0 +
                    " and " +
                    i1 +
                    " are identical)",
                  schema: true,
                  parentSchema: schema35,
                  data: data2,
                };
                if (vErrors === null) {
                  vErrors = [err7];
                } else {
                  vErrors.push(err7);
                }
                errors++;
                break;
              }
              indices0[item0] = i1;
            }
          }
        } else {
          const err8 = {
            instancePath: instancePath + "/alt_aliases",
            schemaPath: "#/$defs/alt_aliases/type",
            keyword: "type",
            params: { type: "array" },
            message: "must be array",
            schema: schema35.type,
            parentSchema: schema35,
            data: data2,
          };
          if (vErrors === null) {
            vErrors = [err8];
          } else {
            vErrors.push(err8);
          }
          errors++;
        }
      }
      if (data.name !== undefined) {
        let data4 = data.name;
        if (typeof data4 !== "string") {
          const err9 = {
            instancePath: instancePath + "/name",
            schemaPath: "#/$defs/name/type",
            keyword: "type",
            params: { type: "string" },
            message: "must be string",
            schema: schema36.type,
            parentSchema: schema36,
            data: data4,
          };
          if (vErrors === null) {
            vErrors = [err9];
          } else {
            vErrors.push(err9);
          }
          errors++;
        }
      }
      if (data.topic !== undefined) {
        let data5 = data.topic;
        if (typeof data5 !== "string") {
          const err10 = {
            instancePath: instancePath + "/topic",
            schemaPath: "#/$defs/topic/type",
            keyword: "type",
            params: { type: "string" },
            message: "must be string",
            schema: schema37.type,
            parentSchema: schema37,
            data: data5,
          };
          if (vErrors === null) {
            vErrors = [err10];
          } else {
            vErrors.push(err10);
          }
          errors++;
        }
      }
      if (data.avatar !== undefined) {
        let data6 = data.avatar;
        if (typeof data6 === "string") {
          if (!formats6.validate(data6)) {
            const err11 = {
              instancePath: instancePath + "/avatar",
              schemaPath: "#/$defs/avatar/format",
              keyword: "format",
              params: { format: "avatar" },
              message: 'must match format "' + "avatar" + '"',
              schema: "avatar",
              parentSchema: schema38,
              data: data6,
            };
            if (vErrors === null) {
              vErrors = [err11];
            } else {
              vErrors.push(err11);
            }
            errors++;
          }
        } else {
          const err12 = {
            instancePath: instancePath + "/avatar",
            schemaPath: "#/$defs/avatar/type",
            keyword: "type",
            params: { type: "string" },
            message: "must be string",
            schema: schema38.type,
            parentSchema: schema38,
            data: data6,
          };
          if (vErrors === null) {
            vErrors = [err12];
          } else {
            vErrors.push(err12);
          }
          errors++;
        }
      }
      if (data.join_rule !== undefined) {
        let data7 = data.join_rule;
        if (!(
          data7 === "public" ||
          data7 === "invite" ||
          data7 === "knock" ||
          data7 === "restricted" ||
          data7 === "knock_restricted"
        )) {
          const err13 = {
            instancePath: instancePath + "/join_rule",
            schemaPath: "#/$defs/join_rule/enum",
            keyword: "enum",
            params: { allowedValues: schema39.enum },
            message: "must be equal to one of the allowed values",
            schema: schema39.enum,
            parentSchema: schema39,
            data: data7,
          };
          if (vErrors === null) {
            vErrors = [err13];
          } else {
            vErrors.push(err13);
          }
          errors++;
        }
      }
      if (data.allow !== undefined) {
        let data8 = data.allow;
        if (Array.isArray(data8)) {
          const len1 = data8.length;
          for (let i2 = 0; i2 < len1; i2++) {
            let data9 = data8[i2];
            if (typeof data9 === "string") {
              if (!formats8.validate(data9)) {
                const err14 = {
                  instancePath: instancePath + "/allow/" + i2,
                  schemaPath: "#/$defs/allow/items/format",
                  keyword: "format",
                  params: { format: "matrix-room-ref" },
                  message: 'must match format "' + "matrix-room-ref" + '"',
                  schema: "matrix-room-ref",
                  parentSchema: schema40.items,
                  data: data9,
                };
                if (vErrors === null) {
                  vErrors = [err14];
                } else {
                  vErrors.push(err14);
                }
                errors++;
              }
            } else {
              const err15 = {
                instancePath: instancePath + "/allow/" + i2,
                schemaPath: "#/$defs/allow/items/type",
                keyword: "type",
                params: { type: "string" },
                message: "must be string",
                schema: schema40.items.type,
                parentSchema: schema40.items,
                data: data9,
              };
              if (vErrors === null) {
                vErrors = [err15];
              } else {
                vErrors.push(err15);
              }
              errors++;
            }
          }
          let i3 = data8.length;
          let j1;
          if (i3 > 1) {
            const indices1 = {};
            for (; i3--;) {
              let item1 = data8[i3];
              if (typeof item1 !== "string") {
                continue;
              }
              if (typeof indices1[item1] == "number") {
                j1 = indices1[item1];
                const err16 = {
                  instancePath: instancePath + "/allow",
                  schemaPath: "#/$defs/allow/uniqueItems",
                  keyword: "uniqueItems",
                  params: { i: i3, j: j1 },
                  message:
                    "must NOT have duplicate items (items ## " +
                    j1 +
                    " and " +
                    i3 +
                    " are identical)",
                  schema: true,
                  parentSchema: schema40,
                  data: data8,
                };
                if (vErrors === null) {
                  vErrors = [err16];
                } else {
                  vErrors.push(err16);
                }
                errors++;
                break;
              }
              indices1[item1] = i3;
            }
          }
        } else {
          const err17 = {
            instancePath: instancePath + "/allow",
            schemaPath: "#/$defs/allow/type",
            keyword: "type",
            params: { type: "array" },
            message: "must be array",
            schema: schema40.type,
            parentSchema: schema40,
            data: data8,
          };
          if (vErrors === null) {
            vErrors = [err17];
          } else {
            vErrors.push(err17);
          }
          errors++;
        }
      }
      if (data.history_visibility !== undefined) {
        let data10 = data.history_visibility;
        if (!(
          data10 === "world_readable" ||
          data10 === "shared" ||
          data10 === "invited" ||
          data10 === "joined"
        )) {
          const err18 = {
            instancePath: instancePath + "/history_visibility",
            schemaPath: "#/$defs/history_visibility/enum",
            keyword: "enum",
            params: { allowedValues: schema41.enum },
            message: "must be equal to one of the allowed values",
            schema: schema41.enum,
            parentSchema: schema41,
            data: data10,
          };
          if (vErrors === null) {
            vErrors = [err18];
          } else {
            vErrors.push(err18);
          }
          errors++;
        }
      }
      if (data.guest_access !== undefined) {
        let data11 = data.guest_access;
        if (!(data11 === "can_join" || data11 === "forbidden")) {
          const err19 = {
            instancePath: instancePath + "/guest_access",
            schemaPath: "#/$defs/guest_access/enum",
            keyword: "enum",
            params: { allowedValues: schema42.enum },
            message: "must be equal to one of the allowed values",
            schema: schema42.enum,
            parentSchema: schema42,
            data: data11,
          };
          if (vErrors === null) {
            vErrors = [err19];
          } else {
            vErrors.push(err19);
          }
          errors++;
        }
      }
      if (data.encrypted !== undefined) {
        let data12 = data.encrypted;
        if (typeof data12 !== "boolean") {
          const err20 = {
            instancePath: instancePath + "/encrypted",
            schemaPath: "#/$defs/encrypted/type",
            keyword: "type",
            params: { type: "boolean" },
            message: "must be boolean",
            schema: schema43.type,
            parentSchema: schema43,
            data: data12,
          };
          if (vErrors === null) {
            vErrors = [err20];
          } else {
            vErrors.push(err20);
          }
          errors++;
        }
      }
      if (data.publish !== undefined) {
        let data13 = data.publish;
        if (typeof data13 !== "boolean") {
          const err21 = {
            instancePath: instancePath + "/publish",
            schemaPath: "#/$defs/publish/type",
            keyword: "type",
            params: { type: "boolean" },
            message: "must be boolean",
            schema: schema44.type,
            parentSchema: schema44,
            data: data13,
          };
          if (vErrors === null) {
            vErrors = [err21];
          } else {
            vErrors.push(err21);
          }
          errors++;
        }
      }
      if (data.room_version !== undefined) {
        let data14 = data.room_version;
        if (
          typeof data14 !== "string" &&
          !(typeof data14 == "number" && !(data14 % 1) && !isNaN(data14) && isFinite(data14))
        ) {
          const err22 = {
            instancePath: instancePath + "/room_version",
            schemaPath: "#/$defs/room_version/type",
            keyword: "type",
            params: { type: schema45.type },
            message: "must be string,integer",
            schema: schema45.type,
            parentSchema: schema45,
            data: data14,
          };
          if (vErrors === null) {
            vErrors = [err22];
          } else {
            vErrors.push(err22);
          }
          errors++;
        }
      }
      if (data.power_levels !== undefined) {
        if (
          !validate22(data.power_levels, {
            instancePath: instancePath + "/power_levels",
            parentData: data,
            parentDataProperty: "power_levels",
            rootData,
            dynamicAnchors,
          })
        ) {
          vErrors = vErrors === null ? validate22.errors : vErrors.concat(validate22.errors);
          errors = vErrors.length;
        }
      }
      if (data.suggested !== undefined) {
        let data16 = data.suggested;
        if (typeof data16 !== "boolean") {
          const err23 = {
            instancePath: instancePath + "/suggested",
            schemaPath: "#/$defs/suggested/type",
            keyword: "type",
            params: { type: "boolean" },
            message: "must be boolean",
            schema: schema67.type,
            parentSchema: schema67,
            data: data16,
          };
          if (vErrors === null) {
            vErrors = [err23];
          } else {
            vErrors.push(err23);
          }
          errors++;
        }
      }
      if (data.order !== undefined) {
        let data17 = data.order;
        if (typeof data17 === "string") {
          if (!formats28.validate(data17)) {
            const err24 = {
              instancePath: instancePath + "/order",
              schemaPath: "#/$defs/order/format",
              keyword: "format",
              params: { format: "space-child-order" },
              message: 'must match format "' + "space-child-order" + '"',
              schema: "space-child-order",
              parentSchema: schema85,
              data: data17,
            };
            if (vErrors === null) {
              vErrors = [err24];
            } else {
              vErrors.push(err24);
            }
            errors++;
          }
        } else {
          const err25 = {
            instancePath: instancePath + "/order",
            schemaPath: "#/$defs/order/type",
            keyword: "type",
            params: { type: "string" },
            message: "must be string",
            schema: schema85.type,
            parentSchema: schema85,
            data: data17,
          };
          if (vErrors === null) {
            vErrors = [err25];
          } else {
            vErrors.push(err25);
          }
          errors++;
        }
      }
      if (data.rooms !== undefined) {
        if (
          !wrapper0.validate(data.rooms, {
            instancePath: instancePath + "/rooms",
            parentData: data,
            parentDataProperty: "rooms",
            rootData,
            dynamicAnchors,
          })
        ) {
          vErrors =
            vErrors === null ? wrapper0.validate.errors : vErrors.concat(wrapper0.validate.errors);
          errors = vErrors.length;
        }
      }
    } else {
      const err26 = {
        instancePath,
        schemaPath: "#/type",
        keyword: "type",
        params: { type: "object" },
        message: "must be object",
        schema: schema70.type,
        parentSchema: schema70,
        data,
      };
      if (vErrors === null) {
        vErrors = [err26];
      } else {
        vErrors.push(err26);
      }
      errors++;
    }
    validate29.errors = vErrors;
    return errors === 0;
  }
  validate29.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
  function validate28(
    data,
    {
      instancePath = "",
      parentData,
      parentDataProperty,
      rootData = data,
      dynamicAnchors = {},
    } = {},
  ) {
    let vErrors = null;
    let errors = 0;
    const evaluated0 = validate28.evaluated;
    if (evaluated0.dynamicProps) {
      evaluated0.props = undefined;
    }
    if (evaluated0.dynamicItems) {
      evaluated0.items = undefined;
    }
    if (data && typeof data == "object" && !Array.isArray(data)) {
      for (const key0 in data) {
        const _errs1 = errors;
        if (typeof key0 === "string") {
          if (!pattern4.test(key0)) {
            const err0 = {
              instancePath,
              schemaPath: "#/$defs/room_key/pattern",
              keyword: "pattern",
              params: { pattern: "^[a-z0-9][a-z0-9_-]{0,63}$" },
              message: 'must match pattern "' + "^[a-z0-9][a-z0-9_-]{0,63}$" + '"',
              schema: "^[a-z0-9][a-z0-9_-]{0,63}$",
              parentSchema: schema69,
              data: key0,
              propertyName: key0,
            };
            if (vErrors === null) {
              vErrors = [err0];
            } else {
              vErrors.push(err0);
            }
            errors++;
          }
        } else {
          const err1 = {
            instancePath,
            schemaPath: "#/$defs/room_key/type",
            keyword: "type",
            params: { type: "string" },
            message: "must be string",
            schema: schema69.type,
            parentSchema: schema69,
            data: key0,
            propertyName: key0,
          };
          if (vErrors === null) {
            vErrors = [err1];
          } else {
            vErrors.push(err1);
          }
          errors++;
        }
        var valid0 = _errs1 === errors;
        if (!valid0) {
          const err2 = {
            instancePath,
            schemaPath: "#/propertyNames",
            keyword: "propertyNames",
            params: { propertyName: key0 },
            message: "property name must be valid",
            schema: schema68.propertyNames,
            parentSchema: schema68,
            data,
          };
          if (vErrors === null) {
            vErrors = [err2];
          } else {
            vErrors.push(err2);
          }
          errors++;
        }
      }
      for (const key1 in data) {
        if (
          !validate29(data[key1], {
            instancePath: instancePath + "/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),
            parentData: data,
            parentDataProperty: key1,
            rootData,
            dynamicAnchors,
          })
        ) {
          vErrors = vErrors === null ? validate29.errors : vErrors.concat(validate29.errors);
          errors = vErrors.length;
        }
      }
    } else {
      const err3 = {
        instancePath,
        schemaPath: "#/type",
        keyword: "type",
        params: { type: "object" },
        message: "must be object",
        schema: schema68.type,
        parentSchema: schema68,
        data,
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    validate28.errors = vErrors;
    return errors === 0;
  }
  validate28.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
  function validate20(
    data,
    {
      instancePath = "",
      parentData,
      parentDataProperty,
      rootData = data,
      dynamicAnchors = {},
    } = {},
  ) {
    /*# sourceURL="https://spaceform.dev/schemas/space.schema.json" */ let vErrors = null;
    let errors = 0;
    const evaluated0 = validate20.evaluated;
    if (evaluated0.dynamicProps) {
      evaluated0.props = undefined;
    }
    if (evaluated0.dynamicItems) {
      evaluated0.items = undefined;
    }
    if (data && typeof data == "object" && !Array.isArray(data)) {
      if (data.version === undefined) {
        const err0 = {
          instancePath,
          schemaPath: "#/required",
          keyword: "required",
          params: { missingProperty: "version" },
          message: "must have required property '" + "version" + "'",
          schema: schema31.required,
          parentSchema: schema31,
          data,
        };
        if (vErrors === null) {
          vErrors = [err0];
        } else {
          vErrors.push(err0);
        }
        errors++;
      }
      if (data.space === undefined) {
        const err1 = {
          instancePath,
          schemaPath: "#/required",
          keyword: "required",
          params: { missingProperty: "space" },
          message: "must have required property '" + "space" + "'",
          schema: schema31.required,
          parentSchema: schema31,
          data,
        };
        if (vErrors === null) {
          vErrors = [err1];
        } else {
          vErrors.push(err1);
        }
        errors++;
      }
      for (const key0 in data) {
        if (!(
          key0 === "version" ||
          key0 === "space" ||
          key0 === "defaults" ||
          key0 === "rooms" ||
          key0 === "policies"
        )) {
          const err2 = {
            instancePath,
            schemaPath: "#/additionalProperties",
            keyword: "additionalProperties",
            params: { additionalProperty: key0 },
            message: "must NOT have additional properties",
            schema: false,
            parentSchema: schema31,
            data,
          };
          if (vErrors === null) {
            vErrors = [err2];
          } else {
            vErrors.push(err2);
          }
          errors++;
        }
      }
      if (data.version !== undefined) {
        let data0 = data.version;
        if (1 !== data0) {
          const err3 = {
            instancePath: instancePath + "/version",
            schemaPath: "#/properties/version/const",
            keyword: "const",
            params: { allowedValue: 1 },
            message: "must be equal to constant",
            schema: 1,
            parentSchema: schema31.properties.version,
            data: data0,
          };
          if (vErrors === null) {
            vErrors = [err3];
          } else {
            vErrors.push(err3);
          }
          errors++;
        }
      }
      if (data.space !== undefined) {
        if (
          !validate21(data.space, {
            instancePath: instancePath + "/space",
            parentData: data,
            parentDataProperty: "space",
            rootData,
            dynamicAnchors,
          })
        ) {
          vErrors = vErrors === null ? validate21.errors : vErrors.concat(validate21.errors);
          errors = vErrors.length;
        }
      }
      if (data.defaults !== undefined) {
        if (
          !validate25(data.defaults, {
            instancePath: instancePath + "/defaults",
            parentData: data,
            parentDataProperty: "defaults",
            rootData,
            dynamicAnchors,
          })
        ) {
          vErrors = vErrors === null ? validate25.errors : vErrors.concat(validate25.errors);
          errors = vErrors.length;
        }
      }
      if (data.rooms !== undefined) {
        if (
          !validate28(data.rooms, {
            instancePath: instancePath + "/rooms",
            parentData: data,
            parentDataProperty: "rooms",
            rootData,
            dynamicAnchors,
          })
        ) {
          vErrors = vErrors === null ? validate28.errors : vErrors.concat(validate28.errors);
          errors = vErrors.length;
        }
      }
      if (data.policies !== undefined) {
        let data4 = data.policies;
        if (data4 && typeof data4 == "object" && !Array.isArray(data4)) {
          for (const key1 in data4) {
            if (!(
              key1 === "admins" ||
              key1 === "forbid_encryption" ||
              key1 === "require_avatar" ||
              key1 === "min_moderators" ||
              key1 === "creators" ||
              key1 === "name_prefixes"
            )) {
              const err4 = {
                instancePath: instancePath + "/policies",
                schemaPath: "#/$defs/policies/additionalProperties",
                keyword: "additionalProperties",
                params: { additionalProperty: key1 },
                message: "must NOT have additional properties",
                schema: false,
                parentSchema: schema86,
                data: data4,
              };
              if (vErrors === null) {
                vErrors = [err4];
              } else {
                vErrors.push(err4);
              }
              errors++;
            }
          }
          if (data4.admins !== undefined) {
            let data5 = data4.admins;
            if (Array.isArray(data5)) {
              const len0 = data5.length;
              for (let i0 = 0; i0 < len0; i0++) {
                let data6 = data5[i0];
                if (typeof data6 === "string") {
                  if (!formats10.validate(data6)) {
                    const err5 = {
                      instancePath: instancePath + "/policies/admins/" + i0,
                      schemaPath: "#/$defs/policies/properties/admins/items/format",
                      keyword: "format",
                      params: { format: "matrix-user-id" },
                      message: 'must match format "' + "matrix-user-id" + '"',
                      schema: "matrix-user-id",
                      parentSchema: schema86.properties.admins.items,
                      data: data6,
                    };
                    if (vErrors === null) {
                      vErrors = [err5];
                    } else {
                      vErrors.push(err5);
                    }
                    errors++;
                  }
                } else {
                  const err6 = {
                    instancePath: instancePath + "/policies/admins/" + i0,
                    schemaPath: "#/$defs/policies/properties/admins/items/type",
                    keyword: "type",
                    params: { type: "string" },
                    message: "must be string",
                    schema: schema86.properties.admins.items.type,
                    parentSchema: schema86.properties.admins.items,
                    data: data6,
                  };
                  if (vErrors === null) {
                    vErrors = [err6];
                  } else {
                    vErrors.push(err6);
                  }
                  errors++;
                }
              }
              let i1 = data5.length;
              let j0;
              if (i1 > 1) {
                const indices0 = {};
                for (; i1--;) {
                  let item0 = data5[i1];
                  if (typeof item0 !== "string") {
                    continue;
                  }
                  if (typeof indices0[item0] == "number") {
                    j0 = indices0[item0];
                    const err7 = {
                      instancePath: instancePath + "/policies/admins",
                      schemaPath: "#/$defs/policies/properties/admins/uniqueItems",
                      keyword: "uniqueItems",
                      params: { i: i1, j: j0 },
                      message:
                        "must NOT have duplicate items (items ## " +
                        j0 +
                        " and " +
                        i1 +
                        " are identical)",
                      schema: true,
                      parentSchema: schema86.properties.admins,
                      data: data5,
                    };
                    if (vErrors === null) {
                      vErrors = [err7];
                    } else {
                      vErrors.push(err7);
                    }
                    errors++;
                    break;
                  }
                  indices0[item0] = i1;
                }
              }
            } else {
              const err8 = {
                instancePath: instancePath + "/policies/admins",
                schemaPath: "#/$defs/policies/properties/admins/type",
                keyword: "type",
                params: { type: "array" },
                message: "must be array",
                schema: schema86.properties.admins.type,
                parentSchema: schema86.properties.admins,
                data: data5,
              };
              if (vErrors === null) {
                vErrors = [err8];
              } else {
                vErrors.push(err8);
              }
              errors++;
            }
          }
          if (data4.forbid_encryption !== undefined) {
            let data7 = data4.forbid_encryption;
            if (typeof data7 !== "boolean") {
              const err9 = {
                instancePath: instancePath + "/policies/forbid_encryption",
                schemaPath: "#/$defs/policies/properties/forbid_encryption/type",
                keyword: "type",
                params: { type: "boolean" },
                message: "must be boolean",
                schema: schema86.properties.forbid_encryption.type,
                parentSchema: schema86.properties.forbid_encryption,
                data: data7,
              };
              if (vErrors === null) {
                vErrors = [err9];
              } else {
                vErrors.push(err9);
              }
              errors++;
            }
          }
          if (data4.require_avatar !== undefined) {
            let data8 = data4.require_avatar;
            if (!(data8 === "error" || data8 === "warn" || data8 === "off")) {
              const err10 = {
                instancePath: instancePath + "/policies/require_avatar",
                schemaPath: "#/$defs/policies/properties/require_avatar/enum",
                keyword: "enum",
                params: { allowedValues: schema86.properties.require_avatar.enum },
                message: "must be equal to one of the allowed values",
                schema: schema86.properties.require_avatar.enum,
                parentSchema: schema86.properties.require_avatar,
                data: data8,
              };
              if (vErrors === null) {
                vErrors = [err10];
              } else {
                vErrors.push(err10);
              }
              errors++;
            }
          }
          if (data4.min_moderators !== undefined) {
            let data9 = data4.min_moderators;
            if (!(typeof data9 == "number" && !(data9 % 1) && !isNaN(data9) && isFinite(data9))) {
              const err11 = {
                instancePath: instancePath + "/policies/min_moderators",
                schemaPath: "#/$defs/policies/properties/min_moderators/type",
                keyword: "type",
                params: { type: "integer" },
                message: "must be integer",
                schema: schema86.properties.min_moderators.type,
                parentSchema: schema86.properties.min_moderators,
                data: data9,
              };
              if (vErrors === null) {
                vErrors = [err11];
              } else {
                vErrors.push(err11);
              }
              errors++;
            }
            if (typeof data9 == "number" && isFinite(data9)) {
              if (data9 < 0 || isNaN(data9)) {
                const err12 = {
                  instancePath: instancePath + "/policies/min_moderators",
                  schemaPath: "#/$defs/policies/properties/min_moderators/minimum",
                  keyword: "minimum",
                  params: { comparison: ">=", limit: 0 },
                  message: "must be >= 0",
                  schema: 0,
                  parentSchema: schema86.properties.min_moderators,
                  data: data9,
                };
                if (vErrors === null) {
                  vErrors = [err12];
                } else {
                  vErrors.push(err12);
                }
                errors++;
              }
            }
          }
          if (data4.creators !== undefined) {
            let data10 = data4.creators;
            if (!(data10 === "warn" || data10 === "require" || data10 === "off")) {
              const err13 = {
                instancePath: instancePath + "/policies/creators",
                schemaPath: "#/$defs/policies/properties/creators/enum",
                keyword: "enum",
                params: { allowedValues: schema86.properties.creators.enum },
                message: "must be equal to one of the allowed values",
                schema: schema86.properties.creators.enum,
                parentSchema: schema86.properties.creators,
                data: data10,
              };
              if (vErrors === null) {
                vErrors = [err13];
              } else {
                vErrors.push(err13);
              }
              errors++;
            }
          }
          if (data4.name_prefixes !== undefined) {
            let data11 = data4.name_prefixes;
            if (Array.isArray(data11)) {
              const len1 = data11.length;
              for (let i2 = 0; i2 < len1; i2++) {
                let data12 = data11[i2];
                if (data12 && typeof data12 == "object" && !Array.isArray(data12)) {
                  if (data12.match === undefined) {
                    const err14 = {
                      instancePath: instancePath + "/policies/name_prefixes/" + i2,
                      schemaPath: "#/$defs/policies/properties/name_prefixes/items/required",
                      keyword: "required",
                      params: { missingProperty: "match" },
                      message: "must have required property '" + "match" + "'",
                      schema: schema86.properties.name_prefixes.items.required,
                      parentSchema: schema86.properties.name_prefixes.items,
                      data: data12,
                    };
                    if (vErrors === null) {
                      vErrors = [err14];
                    } else {
                      vErrors.push(err14);
                    }
                    errors++;
                  }
                  if (data12.prefix === undefined) {
                    const err15 = {
                      instancePath: instancePath + "/policies/name_prefixes/" + i2,
                      schemaPath: "#/$defs/policies/properties/name_prefixes/items/required",
                      keyword: "required",
                      params: { missingProperty: "prefix" },
                      message: "must have required property '" + "prefix" + "'",
                      schema: schema86.properties.name_prefixes.items.required,
                      parentSchema: schema86.properties.name_prefixes.items,
                      data: data12,
                    };
                    if (vErrors === null) {
                      vErrors = [err15];
                    } else {
                      vErrors.push(err15);
                    }
                    errors++;
                  }
                  for (const key2 in data12) {
                    if (!(key2 === "match" || key2 === "prefix")) {
                      const err16 = {
                        instancePath: instancePath + "/policies/name_prefixes/" + i2,
                        schemaPath:
                          "#/$defs/policies/properties/name_prefixes/items/additionalProperties",
                        keyword: "additionalProperties",
                        params: { additionalProperty: key2 },
                        message: "must NOT have additional properties",
                        schema: false,
                        parentSchema: schema86.properties.name_prefixes.items,
                        data: data12,
                      };
                      if (vErrors === null) {
                        vErrors = [err16];
                      } else {
                        vErrors.push(err16);
                      }
                      errors++;
                    }
                  }
                  if (data12.match !== undefined) {
                    let data13 = data12.match;
                    if (typeof data13 === "string") {
                      if (func3(data13) < 1) {
                        const err17 = {
                          instancePath: instancePath + "/policies/name_prefixes/" + i2 + "/match",
                          schemaPath:
                            "#/$defs/policies/properties/name_prefixes/items/properties/match/minLength",
                          keyword: "minLength",
                          params: { limit: 1 },
                          message: "must NOT have fewer than 1 characters",
                          schema: 1,
                          parentSchema: schema86.properties.name_prefixes.items.properties.match,
                          data: data13,
                        };
                        if (vErrors === null) {
                          vErrors = [err17];
                        } else {
                          vErrors.push(err17);
                        }
                        errors++;
                      }
                    } else {
                      const err18 = {
                        instancePath: instancePath + "/policies/name_prefixes/" + i2 + "/match",
                        schemaPath:
                          "#/$defs/policies/properties/name_prefixes/items/properties/match/type",
                        keyword: "type",
                        params: { type: "string" },
                        message: "must be string",
                        schema: schema86.properties.name_prefixes.items.properties.match.type,
                        parentSchema: schema86.properties.name_prefixes.items.properties.match,
                        data: data13,
                      };
                      if (vErrors === null) {
                        vErrors = [err18];
                      } else {
                        vErrors.push(err18);
                      }
                      errors++;
                    }
                  }
                  if (data12.prefix !== undefined) {
                    let data14 = data12.prefix;
                    if (typeof data14 === "string") {
                      if (func3(data14) < 1) {
                        const err19 = {
                          instancePath: instancePath + "/policies/name_prefixes/" + i2 + "/prefix",
                          schemaPath:
                            "#/$defs/policies/properties/name_prefixes/items/properties/prefix/minLength",
                          keyword: "minLength",
                          params: { limit: 1 },
                          message: "must NOT have fewer than 1 characters",
                          schema: 1,
                          parentSchema: schema86.properties.name_prefixes.items.properties.prefix,
                          data: data14,
                        };
                        if (vErrors === null) {
                          vErrors = [err19];
                        } else {
                          vErrors.push(err19);
                        }
                        errors++;
                      }
                    } else {
                      const err20 = {
                        instancePath: instancePath + "/policies/name_prefixes/" + i2 + "/prefix",
                        schemaPath:
                          "#/$defs/policies/properties/name_prefixes/items/properties/prefix/type",
                        keyword: "type",
                        params: { type: "string" },
                        message: "must be string",
                        schema: schema86.properties.name_prefixes.items.properties.prefix.type,
                        parentSchema: schema86.properties.name_prefixes.items.properties.prefix,
                        data: data14,
                      };
                      if (vErrors === null) {
                        vErrors = [err20];
                      } else {
                        vErrors.push(err20);
                      }
                      errors++;
                    }
                  }
                } else {
                  const err21 = {
                    instancePath: instancePath + "/policies/name_prefixes/" + i2,
                    schemaPath: "#/$defs/policies/properties/name_prefixes/items/type",
                    keyword: "type",
                    params: { type: "object" },
                    message: "must be object",
                    schema: schema86.properties.name_prefixes.items.type,
                    parentSchema: schema86.properties.name_prefixes.items,
                    data: data12,
                  };
                  if (vErrors === null) {
                    vErrors = [err21];
                  } else {
                    vErrors.push(err21);
                  }
                  errors++;
                }
              }
            } else {
              const err22 = {
                instancePath: instancePath + "/policies/name_prefixes",
                schemaPath: "#/$defs/policies/properties/name_prefixes/type",
                keyword: "type",
                params: { type: "array" },
                message: "must be array",
                schema: schema86.properties.name_prefixes.type,
                parentSchema: schema86.properties.name_prefixes,
                data: data11,
              };
              if (vErrors === null) {
                vErrors = [err22];
              } else {
                vErrors.push(err22);
              }
              errors++;
            }
          }
        } else {
          const err23 = {
            instancePath: instancePath + "/policies",
            schemaPath: "#/$defs/policies/type",
            keyword: "type",
            params: { type: "object" },
            message: "must be object",
            schema: schema86.type,
            parentSchema: schema86,
            data: data4,
          };
          if (vErrors === null) {
            vErrors = [err23];
          } else {
            vErrors.push(err23);
          }
          errors++;
        }
      }
    } else {
      const err24 = {
        instancePath,
        schemaPath: "#/type",
        keyword: "type",
        params: { type: "object" },
        message: "must be object",
        schema: schema31.type,
        parentSchema: schema31,
        data,
      };
      if (vErrors === null) {
        vErrors = [err24];
      } else {
        vErrors.push(err24);
      }
      errors++;
    }
    validate20.errors = vErrors;
    return errors === 0;
  }
  validate20.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
  return module.exports;
}
