"""Column-name heuristics for text: ``email`` gets an address, ``slug`` a slug (:data:`TEXT_RULES`).

A rule applies when all the words of one of its triggers are words of the column's name
(``created_by_email`` has ``email``); the first rule that applies wins. Each rule also
says how a unique column's sequence number fits its format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from ormprobe.synth.values.randomness import ValueContext
from ormprobe.synth.values.spec import ColumnSpec
from ormprobe.synth.values.tokens import random_uuid

UniqueStyle = Literal["suffix", "email", "url", "underscore", "digits", "hex", "uuid", "ip", "color", "plain"]


@dataclass(frozen=True, slots=True)
class TextRule:
    """A column-name heuristic for text.

    Attributes:
        label: what kind of value it makes, for messages.
        triggers: word sets; the rule applies when all words of any set are in the name.
        make: a plausible value.
        unique: how the sequence is mixed in (``plain`` = drop the heuristic for
            unique columns: its values come from a short list).
        exact: a truncated value would be wrong (an e-mail cut short); fall back to
            generic text instead of truncating.
        upper: the value is upper case (codes); applied to the token too.
    """

    label: str
    triggers: tuple[tuple[str, ...], ...]
    make: Callable[[ValueContext, ColumnSpec, int | None], str]
    unique: UniqueStyle = "suffix"
    exact: bool = False
    upper: bool = False

    def applies(self, spec: ColumnSpec) -> bool:
        return any(spec.has(*words) for words in self.triggers)


def _words_text(ctx: ValueContext, count: int) -> str:
    return " ".join(ctx.faker.words(count))


def person_name(ctx: ValueContext, spec: ColumnSpec, limit: int | None) -> str:
    if spec.table_words & ORG_TABLE_WORDS:
        return str(ctx.faker.company())
    if spec.table_words & _PERSON_TABLE_WORDS or spec.words & {"full", "fullname", "display"}:
        return str(ctx.faker.name())
    return " ".join(w.capitalize() for w in ctx.faker.words(2))


_PERSON_TABLE_WORDS = frozenset(
    [
        "user",
        "users",
        "person",
        "people",
        "author",
        "customer",
        "employee",
        "member",
        "contact",
        "profile",
        "account",
        "student",
        "teacher",
        "patient",
        "client",
        "staff",
        "owner",
        "admin",
        "player",
        "artist",
    ]
)
ORG_TABLE_WORDS = frozenset(
    [
        "company",
        "companies",
        "organization",
        "organisation",
        "org",
        "vendor",
        "supplier",
        "business",
        "tenant",
        "workspace",
        "team",
        "agency",
        "brand",
        "merchant",
    ]
)


def country_text(ctx: ValueContext, spec: ColumnSpec, limit: int | None) -> str:
    if limit == 3:
        return str(ctx.faker.country_code(representation="alpha-3"))
    if (limit is not None and limit < 20) or spec.has("code"):
        return str(ctx.faker.country_code())
    return str(ctx.faker.country())


def _locale(ctx: ValueContext, spec: ColumnSpec, limit: int | None) -> str:
    if limit is not None and limit < 5:
        return str(ctx.faker.language_code())
    return str(ctx.faker.locale())


def _hex_text(ctx: ValueContext, spec: ColumnSpec, limit: int | None) -> str:
    length = 64 if limit is None else min(limit, 64)
    return f"{ctx.random.getrandbits(4 * length):0{length}x}"


def _uuid_text(ctx: ValueContext, spec: ColumnSpec, limit: int | None) -> str:
    value = random_uuid(ctx)
    return str(value) if limit is None or limit >= 36 else value.hex


def _version(ctx: ValueContext, spec: ColumnSpec, limit: int | None) -> str:
    r = ctx.random
    return f"{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 99)}"


def _faker(method: str, **kwargs: Any) -> Callable[[ValueContext, ColumnSpec, int | None], str]:
    def make(ctx: ValueContext, spec: ColumnSpec, limit: int | None) -> str:
        return str(getattr(ctx.faker, method)(**kwargs))

    # Remembered so the rule can describe itself as factory.Faker(method, **kwargs).
    FAKER_CALLS[make] = (method, kwargs)
    return make


FAKER_CALLS: dict[Callable[..., str], tuple[str, dict[str, Any]]] = {}


def url_text(ctx: ValueContext, spec: ColumnSpec, limit: int | None) -> str:
    return f"https://{ctx.faker.domain_name()}/{ctx.faker.slug()}"


def image_url_text(ctx: ValueContext, spec: ColumnSpec, limit: int | None) -> str:
    return f"https://{ctx.faker.domain_name()}/images/{ctx.faker.slug()}.png"


def code_text(ctx: ValueContext, spec: ColumnSpec, limit: int | None) -> str:
    return str(ctx.faker.bothify("??-####")).upper()


def long_text(ctx: ValueContext, spec: ColumnSpec, limit: int | None) -> str:
    return str(ctx.faker.paragraph(nb_sentences=3))


def title_text(ctx: ValueContext, spec: ColumnSpec, limit: int | None) -> str:
    return str(ctx.faker.sentence(nb_words=4)).rstrip(".")


def generic_text(ctx: ValueContext, spec: ColumnSpec, limit: int | None) -> str:
    if limit is not None and limit <= 3:
        return "".join(ctx.random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(limit))
    if limit is not None and limit <= 12:
        return str(ctx.faker.word())
    if limit is not None and limit <= 40:
        return _words_text(ctx, 2)
    return str(ctx.faker.sentence(nb_words=6)).rstrip(".")


# Order matters: the first rule whose words are all in the column name wins, so the
# specific ("ip_address", "email_address") come before the general ("address").
TEXT_RULES: tuple[TextRule, ...] = (
    TextRule(
        "e-mail address",
        (("email",), ("mail",), ("e", "mail")),
        _faker("safe_email"),
        "email",
        exact=True,
    ),
    TextRule(
        "image URL",
        (("avatar",), ("image",), ("photo",), ("picture",), ("thumbnail",), ("logo",)),
        image_url_text,
        "url",
        exact=True,
    ),
    TextRule(
        "URL",
        (("url",), ("uri",), ("website",), ("homepage",), ("link",), ("href",), ("webpage",)),
        url_text,
        "url",
        exact=True,
    ),
    TextRule(
        "phone number",
        (("phone",), ("mobile",), ("telephone",), ("tel",), ("fax",), ("cell",), ("msisdn",)),
        _faker("numerify", text="+1-###-###-####"),
        "digits",
        exact=True,
    ),
    TextRule("IPv6 address", (("ipv6",),), _faker("ipv6"), "ip", exact=True),
    TextRule(
        "IP address",
        (("ip",), ("ipv4",), ("remote", "addr"), ("ip", "address")),
        _faker("ipv4"),
        "ip",
        exact=True,
    ),
    TextRule("MAC address", (("mac",),), _faker("mac_address"), "plain", exact=True),
    TextRule("UUID", (("uuid",), ("guid",)), _uuid_text, "uuid", exact=True),
    TextRule(
        "first name",
        (("first", "name"), ("firstname",), ("given", "name"), ("forename",), ("middle", "name")),
        _faker("first_name"),
    ),
    TextRule(
        "last name",
        (("last", "name"), ("lastname",), ("surname",), ("family", "name")),
        _faker("last_name"),
    ),
    TextRule(
        "user name",
        (
            ("username",),
            ("user", "name"),
            ("login",),
            ("handle",),
            ("nickname",),
            ("screen", "name"),
        ),
        _faker("user_name"),
        "underscore",
    ),
    TextRule("password", (("password",), ("passwd",), ("pwd",)), _faker("password", length=12)),
    TextRule(
        "hex token",
        (
            ("token",),
            ("api", "key"),
            ("apikey",),
            ("secret",),
            ("hash",),
            ("digest",),
            ("checksum",),
            ("sha",),
            ("md5",),
            ("signature",),
            ("nonce",),
            ("salt",),
            ("fingerprint",),
        ),
        _hex_text,
        "hex",
    ),
    TextRule("colour", (("color",), ("colour",)), _faker("hex_color"), "color", exact=True),
    TextRule(
        "company",
        (
            ("company",),
            ("organization",),
            ("organisation",),
            ("employer",),
            ("vendor",),
            ("supplier",),
        ),
        _faker("company"),
    ),
    TextRule("slug", (("slug",),), _faker("slug")),
    TextRule("job title", (("job",), ("occupation",)), _faker("job")),
    TextRule("title", (("title",), ("headline",), ("subject",), ("heading",), ("caption",)), title_text),
    TextRule(
        "long text",
        tuple(
            (w,)
            for w in [
                "description",
                "desc",
                "body",
                "content",
                "notes",
                "note",
                "comment",
                "comments",
                "bio",
                "biography",
                "summary",
                "text",
                "message",
                "details",
                "about",
                "abstract",
                "remarks",
                "instructions",
                "excerpt",
            ]
        ),
        long_text,
    ),
    TextRule("country", (("country",), ("nationality",)), country_text, "plain"),
    TextRule("currency code", (("currency",),), _faker("currency_code"), "plain", exact=True),
    TextRule("locale", (("locale",), ("language",), ("lang",)), _locale, "plain", exact=True),
    TextRule(
        "time zone",
        (("timezone",), ("time", "zone"), ("tz",)),
        _faker("timezone"),
        "plain",
        exact=True,
    ),
    TextRule("city", (("city",), ("town",)), _faker("city")),
    TextRule(
        "postcode",
        (("zip",), ("zipcode",), ("postcode",), ("postal",)),
        _faker("postcode"),
        exact=True,
    ),
    TextRule("street address", (("street",), ("address",), ("addr",)), _faker("street_address")),
    TextRule("domain name", (("domain",), ("hostname",), ("host",)), _faker("domain_name"), exact=True),
    TextRule("file path", (("path",), ("filepath",)), _faker("file_path")),
    TextRule("file name", (("filename",), ("file",)), _faker("file_name")),
    TextRule(
        "MIME type",
        (("mime",), ("mimetype",), ("content", "type"), ("media", "type")),
        _faker("mime_type"),
        exact=True,
    ),
    TextRule("version", (("version",),), _version),
    TextRule("user agent", (("user", "agent"), ("useragent",)), _faker("user_agent")),
    TextRule("IBAN", (("iban",),), _faker("iban"), exact=True),
    TextRule("barcode", (("ean",), ("barcode",)), _faker("ean13"), "plain", exact=True),
    TextRule("code", (("code",), ("sku",), ("reference",), ("ref",)), code_text, upper=True),
    TextRule("name", (("name",), ("author",), ("owner",)), person_name),
    TextRule(
        "word",
        tuple((w,) for w in ["tag", "keyword", "label", "category", "kind", "type", "status", "role"]),
        _faker("word"),
    ),
)
GENERIC_RULE = TextRule("text", (), generic_text)
EMAIL_RULE = TEXT_RULES[0]
URL_RULE = TEXT_RULES[2]
PASSWORD_RULE = next(r for r in TEXT_RULES if r.label == "password")


def text_rule(spec: ColumnSpec) -> TextRule:
    """The first rule whose words are in the column's name, else generic text."""
    return next((rule for rule in TEXT_RULES if rule.applies(spec)), GENERIC_RULE)
