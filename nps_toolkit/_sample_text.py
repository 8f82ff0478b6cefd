"""Free-text comments of the bundled sample survey (private; used by ``scripts/make_sample.py``).

A phrase bank in English, Russian and Polish: whole sentences per kind
(``plus``, ``minus``, ``suggestion``) and theme (``price``, ``quality``,
``support``, ``delivery``, ``usability``; a few general sentences have no
theme). :func:`compose_comment` builds a comment of one to three sentences
consistent with the respondent's score: promoters mostly praise, detractors
mostly complain, everybody sometimes suggests something. It returns the text
with its generating labels (kinds and themes), which the sample keeps out of
its columns but writes to a side file for testing a comment classifier.

Template syntax: ``{g:masculine|feminine}`` picks the respondent's
grammatical gender (Russian and Polish past tense and adjectives),
``{days_fast}`` / ``{days_slow}`` become a number of days with the noun
inflected for it (``3 дня``, ``12 дней``, ``1 dzień``, ``5 dni``), and
``{brand}`` the rated brand.
"""

from __future__ import annotations

import re

import numpy as np

LANGUAGES = ("en", "ru", "pl")
KINDS = ("plus", "minus", "suggestion")
THEMES = ("price", "quality", "support", "delivery", "usability")

# (kind, theme) -> sentences; theme None: general sentences without a theme.
_EN = {
    ("plus", "price"): (
        "Good value for money.",
        "Prices are fair for what you get.",
        "Cheaper than the other companies I looked at.",
        "I like the regular discounts for existing customers.",
        "The subscription is worth every penny.",
    ),
    ("plus", "quality"): (
        "The quality is excellent, everything works as promised.",
        "Very reliable, not a single problem in two years.",
        "Solid, well-made product.",
        "Quality has clearly improved over the last year.",
        "Everything I bought so far has lasted well.",
    ),
    ("plus", "support"): (
        "The support agent was friendly and solved my issue in one call.",
        "Great customer service, they really listen.",
        "The support chat answered within minutes.",
        "When something went wrong they fixed it quickly and without fuss.",
    ),
    ("plus", "delivery"): (
        "Delivery was fast, my order arrived in {days_fast}.",
        "Always delivered on time.",
        "The courier was polite and the parcel was packed well.",
        "Tracking worked perfectly, I knew exactly when the parcel would come.",
    ),
    ("plus", "usability"): (
        "The app is really easy to use.",
        "Ordering on the website takes a couple of minutes.",
        "Clear, simple website, I find everything I need.",
        "I set everything up myself without reading any manual.",
    ),
    ("minus", "price"): (
        "Too expensive for what you get.",
        "Prices went up again and nobody explained why.",
        "Hidden fees at checkout are really annoying.",
        "{brand} is noticeably pricier than the competition.",
        "The discounts are only for new customers, loyal ones pay more.",
    ),
    ("minus", "quality"): (
        "The product broke after a few weeks.",
        "Quality is inconsistent, sometimes fine, sometimes poor.",
        "Mine arrived with a defect and I had to send it back.",
        "Quality has gone downhill lately.",
    ),
    ("minus", "support"): (
        "Customer service is impossible to reach, I was on hold for half an hour.",
        "Support never answered my emails.",
        "I had to explain my problem three times to different people.",
        "The support staff were rude and didn't help at all.",
    ),
    ("minus", "delivery"): (
        "Delivery took {days_slow}, far longer than promised.",
        "My parcel got lost and nobody could tell me where it was.",
        "The order came late and the box was damaged.",
        "The courier didn't show up in the agreed time slot.",
    ),
    ("minus", "usability"): (
        "The app keeps crashing.",
        "The website is confusing, I couldn't find my order history.",
        "Too many steps just to change my address.",
        "Logging in is a nightmare, the password reset never works.",
    ),
    ("suggestion", "price"): (
        "Please add a cheaper basic plan.",
        "It would be nice to have discounts for long-term customers.",
        "Show the full price including fees from the start.",
        "Consider a student discount.",
    ),
    ("suggestion", "quality"): (
        "Please check the products more carefully before selling them.",
        "A longer warranty would give me more confidence.",
        "Better packaging would help, things arrive scratched.",
        "Please bring back the old, sturdier version.",
    ),
    ("suggestion", "support"): (
        "Please keep the live chat open at weekends too.",
        "A callback option instead of waiting on hold would be great.",
        "Support should be able to solve things on the first contact.",
        "Publish a proper FAQ so I don't have to call about small things.",
    ),
    ("suggestion", "delivery"): (
        "Please offer evening delivery slots.",
        "Delivery to a parcel locker would be very convenient.",
        "Send a text message when the courier is on the way.",
        "Free delivery above a certain amount would be nice.",
    ),
    ("suggestion", "usability"): (
        "Add a dark mode to the app.",
        "Let me save several delivery addresses.",
        "The search needs filters by price and rating.",
        "Please let me order without creating an account.",
    ),
    ("plus", None): (
        "Very happy overall.",
        "Great company, I recommend it to friends.",
        "Everything is fine, no complaints.",
        "I've been a customer for years and I'm satisfied.",
        "Does what it says.",
    ),
    ("minus", None): (
        "Very disappointed.",
        "Not what I expected.",
        "I'm thinking about switching to another company.",
        "Nothing special, there are better options.",
        "It used to be better.",
    ),
}

_RU = {
    ("plus", "price"): (
        "Хорошее соотношение цены и качества.",
        "Цены адекватные, за такие деньги отлично.",
        "Дешевле, чем в других компаниях, которые я {g:смотрел|смотрела}.",
        "Нравятся регулярные скидки для постоянных клиентов.",
        "Подписка полностью себя окупает.",
    ),
    ("plus", "quality"): (
        "Качество отличное, всё работает как заявлено.",
        "Очень надёжно, за два года ни одной проблемы.",
        "Добротный, качественно сделанный товар.",
        "Качество заметно выросло за последний год.",
        "Всё, что я {g:покупал|покупала}, служит долго.",
    ),
    ("plus", "support"): (
        "Оператор был вежлив и решил мой вопрос за один звонок.",
        "Отличный сервис, к клиентам действительно прислушиваются.",
        "В чате поддержки ответили через пару минут.",
        "Когда возникла проблема, всё исправили быстро и без лишних вопросов.",
    ),
    ("plus", "delivery"): (
        "Доставка быстрая, заказ пришёл за {days_fast}.",
        "Всегда привозят вовремя.",
        "Курьер вежливый, всё аккуратно упаковано.",
        "Удобное отслеживание, я точно {g:знал|знала}, когда ждать посылку.",
    ),
    ("plus", "usability"): (
        "Приложением очень удобно пользоваться.",
        "Оформить заказ на сайте можно за пару минут.",
        "Понятный и простой сайт, всё легко найти.",
        "{g:Всё настроил сам|Всё настроила сама}, без всякой инструкции.",
    ),
    ("minus", "price"): (
        "Слишком дорого для такого качества.",
        "Цены опять подняли, и никто ничего не объяснил.",
        "Скрытые платежи при оформлении заказа очень раздражают.",
        "У {brand} цены заметно выше, чем у конкурентов.",
        "Скидки только для новых клиентов, а постоянные платят больше.",
    ),
    ("minus", "quality"): (
        "Товар сломался через несколько недель.",
        "Качество нестабильное: то нормально, то брак.",
        "Мне пришёл товар с браком, пришлось возвращать.",
        "В последнее время качество стало заметно хуже.",
    ),
    ("minus", "support"): (
        "В поддержку невозможно дозвониться, {g:висел|висела} на линии полчаса.",
        "Поддержка так и не ответила на мои письма.",
        "Пришлось три раза объяснять проблему разным операторам.",
        "Операторы грубые и ничем не помогли.",
    ),
    ("minus", "delivery"): (
        "Доставка заняла {days_slow}, намного дольше обещанного.",
        "Посылка потерялась, и никто не мог сказать, где она.",
        "Заказ привезли с опозданием, коробка была помята.",
        "Курьер не приехал в согласованное время.",
    ),
    ("minus", "usability"): (
        "Приложение постоянно вылетает.",
        "На сайте всё запутано, не {g:смог|смогла} найти историю заказов.",
        "Слишком много шагов, чтобы просто поменять адрес.",
        "Войти в личный кабинет — мучение, восстановление пароля не работает.",
    ),
    ("suggestion", "price"): (
        "Добавьте, пожалуйста, более дешёвый базовый тариф.",
        "Было бы здорово ввести скидки для постоянных клиентов.",
        "Показывайте полную цену с комиссиями сразу.",
        "Сделайте скидку для студентов.",
    ),
    ("suggestion", "quality"): (
        "Проверяйте товар тщательнее перед продажей.",
        "Хотелось бы более длинную гарантию.",
        "Нужна упаковка понадёжнее, вещи приходят поцарапанными.",
        "Верните, пожалуйста, старую, более прочную версию.",
    ),
    ("suggestion", "support"): (
        "Сделайте, чтобы онлайн-чат работал и в выходные.",
        "Лучше бы предлагали обратный звонок, чем держать на линии.",
        "Хочется, чтобы поддержка решала вопрос с первого обращения.",
        "Сделайте нормальный раздел FAQ, чтобы не звонить по мелочам.",
    ),
    ("suggestion", "delivery"): (
        "Добавьте вечерние интервалы доставки.",
        "Было бы удобно получать заказы в постамате.",
        "Присылайте СМС, когда курьер выезжает.",
        "Сделайте бесплатную доставку от определённой суммы.",
    ),
    ("suggestion", "usability"): (
        "Добавьте тёмную тему в приложение.",
        "Хотелось бы сохранять несколько адресов доставки.",
        "В поиске не хватает фильтров по цене и рейтингу.",
        "Дайте возможность оформить заказ без регистрации.",
    ),
    ("plus", None): (
        "В целом всё отлично.",
        "Хорошая компания, советую друзьям.",
        "Всё устраивает, претензий нет.",
        "Пользуюсь уже несколько лет, {g:доволен|довольна}.",
        "Всё как обещали.",
    ),
    ("minus", None): (
        "Очень {g:разочарован|разочарована}.",
        "{g:Ожидал|Ожидала} большего.",
        "Думаю перейти к другой компании.",
        "Ничего особенного, есть варианты получше.",
        "Раньше было лучше.",
    ),
}

_PL = {
    ("plus", "price"): (
        "Dobry stosunek jakości do ceny.",
        "Ceny są uczciwe jak na to, co się dostaje.",
        "Taniej niż w innych firmach, które {g:sprawdzałem|sprawdzałam}.",
        "Podobają mi się regularne rabaty dla stałych klientów.",
        "Abonament jest wart swojej ceny.",
    ),
    ("plus", "quality"): (
        "Jakość jest świetna, wszystko działa tak, jak obiecano.",
        "Sprzęt bardzo niezawodny, przez dwa lata ani jednego problemu.",
        "Solidny, porządnie wykonany produkt.",
        "Jakość wyraźnie się poprawiła w ostatnim roku.",
        "Wszystko, co {g:kupiłem|kupiłam}, służy długo.",
    ),
    ("plus", "support"): (
        "Konsultant był miły i rozwiązał mój problem w jednej rozmowie.",
        "Świetna obsługa klienta, naprawdę słuchają.",
        "Na czacie odpowiedzieli w ciągu kilku minut.",
        "Kiedy coś poszło nie tak, szybko to naprawili bez zbędnych pytań.",
    ),
    ("plus", "delivery"): (
        "Szybka dostawa, zamówienie dotarło w {days_fast}.",
        "Zawsze dostarczają na czas.",
        "Kurier był uprzejmy, a paczka dobrze zapakowana.",
        "Śledzenie przesyłki działa świetnie, {g:wiedziałem|wiedziałam} dokładnie, kiedy przyjdzie paczka.",
    ),
    ("plus", "usability"): (
        "Aplikacja jest bardzo wygodna w obsłudze.",
        "Zamówienie przez stronę zajmuje dosłownie dwie minuty.",
        "Przejrzysta, prosta strona, wszystko łatwo znaleźć.",
        "{g:Wszystko skonfigurowałem sam|Wszystko skonfigurowałam sama}, bez żadnej instrukcji.",
    ),
    ("minus", "price"): (
        "Za drogo jak na tę jakość.",
        "Ceny znowu poszły w górę i nikt tego nie wyjaśnił.",
        "Ukryte opłaty przy zamówieniu są bardzo irytujące.",
        "Firma {brand} jest wyraźnie droższa od konkurencji.",
        "Rabaty są tylko dla nowych klientów, a stali płacą więcej.",
    ),
    ("minus", "quality"): (
        "Produkt zepsuł się po kilku tygodniach.",
        "Jakość jest nierówna: raz dobrze, raz fatalnie.",
        "{g:Dostałem|Dostałam} wadliwy egzemplarz i {g:musiałem|musiałam} go zwrócić.",
        "Ostatnio jakość wyraźnie się pogorszyła.",
    ),
    ("minus", "support"): (
        "Nie można się dodzwonić na infolinię, {g:czekałem|czekałam} pół godziny.",
        "Obsługa nigdy nie odpowiedziała na moje maile.",
        "{g:Musiałem|Musiałam} trzy razy tłumaczyć problem różnym konsultantom.",
        "Konsultanci byli niegrzeczni i w niczym nie pomogli.",
    ),
    ("minus", "delivery"): (
        "Dostawa trwała {days_slow}, znacznie dłużej, niż obiecywano.",
        "Paczka zaginęła i nikt nie umiał powiedzieć, gdzie jest.",
        "Zamówienie przyszło z opóźnieniem, a karton był zgnieciony.",
        "Kurier nie przyjechał w umówionych godzinach.",
    ),
    ("minus", "usability"): (
        "Aplikacja ciągle się zawiesza.",
        "Strona jest nieczytelna, nie {g:mogłem|mogłam} znaleźć historii zamówień.",
        "Za dużo kroków, żeby po prostu zmienić adres.",
        "Logowanie to koszmar, reset hasła nie działa.",
    ),
    ("suggestion", "price"): (
        "Proszę dodać tańszy pakiet podstawowy.",
        "Przydałyby się rabaty dla stałych klientów.",
        "Pokazujcie pełną cenę z opłatami od razu.",
        "Warto wprowadzić zniżkę dla studentów.",
    ),
    ("suggestion", "quality"): (
        "Proszę dokładniej sprawdzać produkty przed sprzedażą.",
        "Dłuższa gwarancja dałaby mi więcej pewności.",
        "Przydałoby się lepsze opakowanie, rzeczy przychodzą porysowane.",
        "Przywróćcie starą, solidniejszą wersję.",
    ),
    ("suggestion", "support"): (
        "Dodajcie czat na żywo także w weekendy.",
        "Zamiast czekania na linii {g:wolałbym|wolałabym} opcję oddzwonienia.",
        "Obsługa powinna rozwiązywać sprawę przy pierwszym kontakcie.",
        "Zróbcie porządne FAQ, żeby nie trzeba było dzwonić w drobnych sprawach.",
    ),
    ("suggestion", "delivery"): (
        "Proszę o wieczorne okna dostawy.",
        "Dostawa do paczkomatu byłaby bardzo wygodna.",
        "Wysyłajcie SMS, kiedy kurier jest w drodze.",
        "Darmowa dostawa od określonej kwoty byłaby mile widziana.",
    ),
    ("suggestion", "usability"): (
        "Dodajcie tryb ciemny w aplikacji.",
        "{g:Chciałbym|Chciałabym} móc zapisać kilka adresów dostawy.",
        "W wyszukiwarce brakuje filtrów według ceny i ocen.",
        "Umożliwcie złożenie zamówienia bez zakładania konta.",
    ),
    ("plus", None): (
        "Ogólnie jestem bardzo {g:zadowolony|zadowolona}.",
        "Świetna firma, polecam znajomym.",
        "Wszystko w porządku, nie mam zastrzeżeń.",
        "{g:Jestem klientem|Jestem klientką} od lat i nie narzekam.",
        "Wszystko zgodnie z obietnicą.",
    ),
    ("minus", None): (
        "Jestem bardzo {g:rozczarowany|rozczarowana}.",
        "Nie tego się {g:spodziewałem|spodziewałam}.",
        "Zastanawiam się nad zmianą firmy.",
        "Nic specjalnego, są lepsze opcje.",
        "Kiedyś było lepiej.",
    ),
}

PHRASES = {"en": _EN, "ru": _RU, "pl": _PL}

# Words that may open a comment (the sentence after them starts in lower case).
_OPENERS = {
    "en": {"plus": ("Honestly, ", "Overall, ", "To be fair, "),
           "minus": ("Honestly, ", "Unfortunately, ", "To be honest, "),
           "suggestion": ("One idea: ", "Suggestion: ", "Just a thought: ")},
    "ru": {"plus": ("Честно говоря, ", "Если честно, "),
           "minus": ("К сожалению, ", "Если честно, ", "Честно говоря, "),
           "suggestion": ("Пожелание: ", "Предложение: ")},
    "pl": {"plus": ("Szczerze mówiąc, ", "Generalnie "),
           "minus": ("Niestety, ", "Szczerze mówiąc, "),
           "suggestion": ("Sugestia: ", "Propozycja: ")},
}
# Links between sentences: when the kind turns (plus <-> minus), for a
# further sentence of the same kind, and before a suggestion.
_LINKS = {
    "en": {"contrast": ("But ", "However, ", "On the other hand, "), "same": ("Also, ", "And "),
           "suggestion": ("Also, ", "One more thing: ")},
    "ru": {"contrast": ("Но ", "Однако ", "С другой стороны, "), "same": ("Кроме того, ", "А ещё "),
           "suggestion": ("И ещё: ", "Пожелание: ")},
    "pl": {"contrast": ("Ale ", "Jednak ", "Z drugiej strony "), "same": ("Poza tym ", "Do tego "),
           "suggestion": ("Poza tym ", "I jeszcze jedno: ")},
}
_CLOSERS = {
    "en": {"plus": ("Thanks!", "Keep it up!", "Thank you."), "minus": ("Never again.", "Very disappointing.")},
    "ru": {"plus": ("Спасибо!", "Так держать!", "Спасибо)"), "minus": ("Больше не закажу.", "Очень обидно.")},
    "pl": {"plus": ("Dziękuję!", "Tak trzymać!", "Polecam!"), "minus": ("Nigdy więcej.", "Szkoda.")},
}

# Which kind the first sentence has, by category (detractor, passive, promoter).
_FIRST_KIND = {"detractor": (0.05, 0.82, 0.13), "passive": (0.40, 0.30, 0.30), "promoter": (0.80, 0.06, 0.14)}
_NEXT_KIND = {"detractor": (0.05, 0.55, 0.40), "passive": (0.34, 0.33, 0.33), "promoter": (0.50, 0.08, 0.42)}
_SENTENCES = (0.62, 0.31, 0.07)  # one, two or three sentences
_GENERAL = 0.12                  # chance that a first plus/minus sentence has no theme
_THEME_WEIGHT = np.array([1.0, 1.1, 0.8, 0.8, 0.8])
_CHANNEL_WEIGHT = {"web": np.array([1.0, 1.0, 0.8, 1.3, 2.0]), "app": np.array([1.0, 0.9, 0.8, 1.3, 2.4]),
                   "store": np.array([1.3, 1.5, 1.0, 0.3, 0.5]), "phone": np.array([1.0, 1.0, 2.6, 1.0, 0.6])}

_GENDER = re.compile(r"\{g:([^|{}]*)\|([^{}]*)\}")


def _pick(rng: np.random.Generator, items, weights=None):
    """One item, drawn with ``rng.random()`` only (stable across numpy versions)."""
    if weights is None:
        return items[min(int(rng.random() * len(items)), len(items) - 1)]
    cum = np.cumsum(np.asarray(weights, dtype=float))
    return items[min(int(np.searchsorted(cum / cum[-1], rng.random(), side="right")), len(items) - 1)]


def _ru_plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _pl_plural(n: int, one: str, few: str, many: str) -> str:
    if n == 1:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def days_phrase(n: int, language: str) -> str:
    """``n`` days with the noun inflected for the number.

    >>> days_phrase(3, "ru"), days_phrase(11, "ru"), days_phrase(21, "ru"), days_phrase(1, "pl"), days_phrase(5, "pl")
    ('3 дня', '11 дней', '21 день', '1 dzień', '5 dni')
    """
    if language == "ru":
        return f"{n} {_ru_plural(n, 'день', 'дня', 'дней')}"
    if language == "pl":
        return f"{n} {_pl_plural(n, 'dzień', 'dni', 'dni')}"
    return f"{n} day" if n == 1 else f"{n} days"


def _lower_first(text: str) -> str:
    if text.startswith("{brand}") or text.startswith("I ") or text.startswith("I'"):
        return text
    return text[:1].lower() + text[1:]


def _fill(template: str, *, language: str, gender: str, rng: np.random.Generator) -> str:
    text = _GENDER.sub(lambda m: m.group(1 if gender == "m" else 2), template)
    if "{days_fast}" in text:
        text = text.replace("{days_fast}", days_phrase(1 + min(int(rng.random() * 3), 2), language))
    if "{days_slow}" in text:
        text = text.replace("{days_slow}", days_phrase(7 + min(int(rng.random() * 15), 14), language))
    return text


def compose_comment(rng: np.random.Generator, *, language: str, category: str, channel: str = "web",
                    brand: str = "Aurora", gender: str = "m", theme_boost=None) -> tuple[str, list[str], list[str]]:
    """One comment consistent with the respondent's category.

    Parameters
    ----------
    rng : numpy Generator
    language : {"en", "ru", "pl"}
    category : {"detractor", "passive", "promoter"}
    channel : str
        Shifts the themes (app and web users write about usability, phone
        users about support, store customers about quality and price).
    brand : str
        The rated brand, for sentences that name it.
    gender : {"m", "f"}
        Grammatical gender of the respondent.
    theme_boost : dict, optional
        ``{theme: factor}`` multiplying the chance of a theme in complaints
        (the sample's delivery problem).

    Returns
    -------
    (text, kinds, themes)
        The comment and its labels: the kinds of its sentences, and their
        themes, each in order of first appearance without repeats.

    Examples
    --------
    >>> text, kinds, themes = compose_comment(np.random.default_rng(5), language="en", category="detractor")
    >>> kinds[0]
    'minus'
    """
    bank = PHRASES[language]
    base = _THEME_WEIGHT * _CHANNEL_WEIGHT.get(channel, 1.0)
    count = _pick(rng, (1, 2, 3), _SENTENCES)
    sentences: list[tuple[str, str | None, str]] = []  # (kind, theme, template)
    used: set[str] = set()
    for i in range(count):
        kind = _pick(rng, KINDS, (_FIRST_KIND if i == 0 else _NEXT_KIND)[category])
        theme: str | None
        if i == 0 and kind != "suggestion" and rng.random() < _GENERAL:
            theme = None
        elif kind == "suggestion" and sentences and sentences[-1][1] is not None and rng.random() < 0.5:
            theme = sentences[-1][1]  # a suggestion about what was just praised or criticised
        else:
            weights = base.copy()
            if kind == "minus" and theme_boost:
                weights = weights * np.array([theme_boost.get(t, 1.0) for t in THEMES])
            for j, t in enumerate(THEMES):  # one verdict per theme; no two suggestions on one theme
                if any(s[1] == t and (s[0] == kind or {s[0], kind} == {"plus", "minus"}) for s in sentences):
                    weights[j] = 0.0
            if weights.sum() <= 0:
                break
            theme = _pick(rng, THEMES, weights)
        options = [t for t in bank[(kind, theme)] if t not in used] or list(bank[(kind, theme)])
        template = _pick(rng, options)
        used.add(template)
        sentences.append((kind, theme, template))

    parts = []
    for i, (kind, theme, template) in enumerate(sentences):
        text = _fill(template, language=language, gender=gender, rng=rng)
        lead = ""
        if i == 0:
            if rng.random() < 0.15:
                lead = _pick(rng, _OPENERS[language][kind])
        else:
            before = sentences[i - 1][0]
            if kind == "suggestion":
                if rng.random() < 0.3:
                    lead = _pick(rng, _LINKS[language]["suggestion"])
            elif {before, kind} == {"plus", "minus"}:
                if rng.random() < 0.6:
                    lead = _pick(rng, _LINKS[language]["contrast"])
            elif before == kind and rng.random() < 0.25:
                lead = _pick(rng, _LINKS[language]["same"])
        if lead:
            text = lead + _lower_first(text)
        parts.append(text.replace("{brand}", brand))
    last_kind = sentences[-1][0]
    if last_kind in _CLOSERS[language] and rng.random() < 0.1:
        parts.append(_pick(rng, _CLOSERS[language][last_kind]))
    comment = " ".join(parts)

    # a little of the noise of real answers
    r = rng.random()
    if r < 0.06 and comment.endswith("."):
        comment = comment[:-1]
    elif r < 0.10 and not comment.startswith(brand) and not (language == "en" and comment.startswith("I")):
        comment = comment[:1].lower() + comment[1:]
    elif r < 0.16 and sentences[0][0] == "plus" and language == "ru" and comment[-1] in ".!":
        comment = comment[:-1] + ")"
    elif r < 0.18 and sentences[0][0] == "plus" and language == "en":
        comment += " :)"

    kinds = list(dict.fromkeys(s[0] for s in sentences))
    themes = list(dict.fromkeys(s[1] for s in sentences if s[1] is not None))
    return comment, kinds, themes
