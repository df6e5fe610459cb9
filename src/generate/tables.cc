#include "generate/tables.h"

#include <array>

#include "generate/rng.h"
#include "moneytrail/check.h"

namespace moneytrail::generate_internal {
namespace {

// Weights are rough metro populations in tens of thousands; postcodes and area codes are those
// of the city (KYC phones are drawn in the fictional 555 exchange).
constexpr City kCities[] = {
    // US southwest border.
    {"San Diego", "SAN-DIEGO", "CA", 92101, 619, 330, true},
    {"Chula Vista", "CHULA-VISTA", "CA", 91910, 619, 28, true},
    {"Calexico", "CALEXICO", "CA", 92231, 760, 4, true},
    {"Yuma", "YUMA", "AZ", 85364, 928, 20, true},
    {"Nogales", "NOGALES", "AZ", 85621, 520, 3, true},
    {"Douglas", "DOUGLAS", "AZ", 85607, 520, 2, true},
    {"Tucson", "TUCSON", "AZ", 85701, 520, 100, true},
    {"Las Cruces", "LAS-CRUCES", "NM", 88001, 575, 22, true},
    {"El Paso", "EL-PASO", "TX", 79901, 915, 87, true},
    {"Del Rio", "DEL-RIO", "TX", 78840, 830, 4, true},
    {"Eagle Pass", "EAGLE-PASS", "TX", 78852, 830, 3, true},
    {"Laredo", "LAREDO", "TX", 78040, 956, 27, true},
    {"McAllen", "MCALLEN", "TX", 78501, 956, 87, true},
    {"Brownsville", "BROWNSVILLE", "TX", 78520, 956, 42, true},
    // Elsewhere in the US, mostly far from the border.
    {"Los Angeles", "LOS-ANGELES", "CA", 90001, 213, 1300, false},
    {"Phoenix", "PHOENIX", "AZ", 85001, 602, 480, false},
    {"Houston", "HOUSTON", "TX", 77001, 713, 700, false},
    {"Dallas", "DALLAS", "TX", 75201, 214, 760, false},
    {"Albuquerque", "ALBUQUERQUE", "NM", 87101, 505, 92, false},
    {"Las Vegas", "LAS-VEGAS", "NV", 89101, 702, 230, false},
    {"Denver", "DENVER", "CO", 80201, 303, 300, false},
    {"Salt Lake City", "SALT-LAKE-CITY", "UT", 84101, 801, 125, false},
    {"Seattle", "SEATTLE", "WA", 98101, 206, 400, false},
    {"Portland", "PORTLAND", "OR", 97201, 503, 250, false},
    {"Chicago", "CHICAGO", "IL", 60601, 312, 940, false},
    {"Minneapolis", "MINNEAPOLIS", "MN", 55401, 612, 370, false},
    {"Milwaukee", "MILWAUKEE", "WI", 53201, 414, 157, false},
    {"Detroit", "DETROIT", "MI", 48201, 313, 430, false},
    {"Columbus", "COLUMBUS", "OH", 43201, 614, 214, false},
    {"Indianapolis", "INDIANAPOLIS", "IN", 46201, 317, 211, false},
    {"Kansas City", "KANSAS-CITY", "MO", 64101, 816, 219, false},
    {"St. Louis", "ST-LOUIS", "MO", 63101, 314, 280, false},
    {"Omaha", "OMAHA", "NE", 68101, 402, 97, false},
    {"Oklahoma City", "OKLAHOMA-CITY", "OK", 73101, 405, 144, false},
    {"Nashville", "NASHVILLE", "TN", 37201, 615, 199, false},
    {"Louisville", "LOUISVILLE", "KY", 40201, 502, 129, false},
    {"Atlanta", "ATLANTA", "GA", 30301, 404, 610, false},
    {"Charlotte", "CHARLOTTE", "NC", 28201, 704, 270, false},
    {"Raleigh", "RALEIGH", "NC", 27601, 919, 145, false},
    {"Richmond", "RICHMOND", "VA", 23218, 804, 131, false},
    {"Baltimore", "BALTIMORE", "MD", 21201, 410, 284, false},
    {"Philadelphia", "PHILADELPHIA", "PA", 19101, 215, 620, false},
    {"Pittsburgh", "PITTSBURGH", "PA", 15201, 412, 237, false},
    {"New York", "NEW-YORK", "NY", 10001, 212, 1990, false},
    {"Newark", "NEWARK", "NJ", 7101, 973, 200, false},
    {"Boston", "BOSTON", "MA", 2101, 617, 490, false},
    {"Miami", "MIAMI", "FL", 33101, 305, 610, false},
    {"Orlando", "ORLANDO", "FL", 32801, 407, 267, false},
    {"Birmingham", "BIRMINGHAM", "AL", 35201, 205, 111, false},
    {"New Orleans", "NEW-ORLEANS", "LA", 70112, 504, 127, false},
};

constexpr std::string_view kCurrencyCodes[kCurrencyCount] = {"USD", "EUR", "GBP", "MXN",
                                                             "CNY", "INR", "CAD"};
constexpr std::string_view kCurrencyIbmNames[kCurrencyCount] = {
    "US Dollar", "Euro", "UK Pound", "Mexican Peso", "Yuan", "Rupee", "Canadian Dollar"};
constexpr int64_t kRates[kCurrencyCount] = {1'000'000, 920'000, 790'000, 17'200'000,
                                            7'200'000, 83'100'000, 1'360'000};

constexpr Country kCountries[] = {
    {"MX", "MX-BANK-", Currency::kMxn, 40, 20, true},
    {"GT", "GT-BANK-", Currency::kUsd, 12, 1, true},
    {"HN", "HN-BANK-", Currency::kUsd, 9, 1, true},
    {"SV", "SV-BANK-", Currency::kUsd, 8, 1, true},
    {"DO", "DO-BANK-", Currency::kUsd, 6, 1, false},
    {"CO", "CO-BANK-", Currency::kUsd, 4, 2, true},
    {"PH", "PH-BANK-", Currency::kUsd, 7, 2, false},
    {"IN", "IN-BANK-", Currency::kInr, 7, 6, false},
    {"CN", "CN-BANK-", Currency::kCny, 4, 25, true},
    {"CA", "CA-BANK-", Currency::kCad, 1, 20, false},
    {"DE", "DE-BANK-", Currency::kEur, 1, 12, false},
    {"GB", "GB-BANK-", Currency::kGbp, 1, 9, false},
};

// Everyday purchases carry a weight; the others serve bills, large purchases and typologies.
constexpr Mcc kMccs[] = {
    {5411, "FRESHWAY MARKET", 38.0, 0.8, 22, 0},
    {5812, "THE CORNER TABLE", 42.0, 0.6, 11, 1},
    {5814, "QUICKBITE", 11.0, 0.5, 14, 1},
    {5541, "FUELSTOP", 41.0, 0.4, 11, 2},
    {5912, "CAREPLUS PHARMACY", 24.0, 0.8, 5, 0},
    {5311, "HOMESTEAD DEPT STORE", 55.0, 0.8, 5, 0},
    {5999, "MAIN ST GOODS", 29.0, 0.9, 6, 0},
    {5651, "THREADLINE APPAREL", 48.0, 0.7, 5, 0},
    {5300, "BULKBARN WAREHOUSE", 120.0, 0.7, 4, 0},
    {4121, "RIDEQUICK", 17.0, 0.5, 4, 3},
    {4111, "METRO TRANSIT", 6.0, 0.5, 3, 2},
    {5732, "VOLTAGE ELECTRONICS", 140.0, 1.0, 2, 0},
    {7832, "STARLIGHT CINEMA", 24.0, 0.4, 2, 3},
    {5964, "SHOPNET ONLINE", 35.0, 0.9, 6, 2},
    {5942, "PAGEWORTH BOOKS", 19.0, 0.6, 1, 0},
    {4814, "CELLWAVE WIRELESS", 72.0, 0.3, 0, 2},
    {4900, "METRO POWER AND WATER", 110.0, 0.4, 0, 2},
    {7011, "RESTWELL INN", 160.0, 0.5, 0, 3},
    {7512, "ROADRUNNER CAR RENTAL", 240.0, 0.5, 0, 2},
    {7311, "CLASSIFIEDS NOW", 90.0, 0.7, 0, 2},
    {4816, "HOSTGRID WEB SERVICES", 45.0, 0.6, 0, 2},
    {5511, "SUNBELT MOTORS", 14000.0, 0.6, 0, 0},
    {5944, "GOLDCREST JEWELERS", 1800.0, 0.8, 0, 0},
};

constexpr Industry kIndustries[] = {
    {722511, "Full-service restaurant", "Kitchen", 14, true, 1900.0},
    {811192, "Car wash", "Car Wash", 4, true, 1500.0},
    {445110, "Grocery store", "Market", 8, true, 2600.0},
    {812113, "Nail salon", "Nails", 4, true, 900.0},
    {812199, "Massage and day spa", "Spa", 3, true, 1100.0},
    {561320, "Labour contractor", "Staffing", 3, false, 0},
    {236118, "Residential remodeler", "Builders", 8, false, 0},
    {484121, "Trucking", "Freight", 6, false, 0},
    {541211, "Accounting office", "Accounting", 6, false, 0},
    {531311, "Residential property manager", "Properties", 10, false, 0},
    {221122, "Electric and water utility", "Utilities", 1, false, 0},
    {524126, "Insurance carrier", "Insurance", 1, false, 0},
    {441110, "Car dealer", "Motors", 2, false, 0},
    {721110, "Hotel", "Hotel", 2, true, 2200.0},
    {423430, "Computer wholesaler", "Supply", 6, false, 0},
    {424410, "Grocery wholesaler", "Distributors", 6, false, 0},
    {541191, "Title and escrow office", "Title", 2, false, 0},
};

constexpr std::string_view kFirstNames[] = {
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Christopher", "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony",
    "Margaret", "Mark", "Sandra", "Steven", "Ashley", "Andrew", "Kimberly", "Joshua", "Emily",
    "Kenneth", "Donna", "Kevin", "Michelle", "Brian", "Carol", "Jose", "Maria", "Juan", "Ana",
    "Luis", "Carmen", "Carlos", "Rosa", "Jorge", "Guadalupe", "Miguel", "Lucia", "Alejandro",
    "Sofia", "Francisco", "Isabel", "Wei", "Mei", "Jian", "Li", "Hao", "Xiu", "Minh", "Linh",
    "Thanh", "Hoa", "Raj", "Priya", "Amit", "Anjali", "Vikram", "Sunita", "Mohammed", "Fatima",
    "Ahmed", "Aisha", "Omar", "Layla", "Olumide", "Ngozi", "Kwame", "Abena", "Dmitri", "Olga",
    "Ivan", "Natasha", "Pedro", "Beatriz", "Jean", "Marie", "Pierre", "Claire", "Giovanni",
    "Giulia", "Hiroshi", "Yuki", "Kenji", "Aiko", "Samuel", "Grace", "Benjamin", "Chloe",
    "Katherine", "Victoria", "Alexander", "Nicholas", "Jonathan", "Rebecca", "Timothy", "Deborah"};

constexpr std::string_view kLastNames[] = {
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green",
    "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Campbell", "Parker", "Evans",
    "Edwards", "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper",
    "Peterson", "Reed", "Bailey", "Kelly", "Howard", "Ward", "Cox", "Richardson", "Wood",
    "Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Perez", "Sanchez",
    "Ramirez", "Torres", "Flores", "Rivera", "Gomez", "Diaz", "Reyes", "Cruz", "Morales",
    "Ortiz", "Gutierrez", "Chavez", "Ramos", "Ruiz", "Alvarez", "Mendoza", "Castillo", "Jimenez",
    "Vasquez", "Romero", "Herrera", "Medina", "Aguilar", "Vargas", "Castro", "Nguyen", "Tran",
    "Le", "Pham", "Chen", "Wang", "Li", "Zhang", "Liu", "Yang", "Huang", "Zhao", "Wu", "Zhou",
    "Kim", "Lee", "Park", "Choi", "Patel", "Shah", "Singh", "Kumar", "Sharma", "Gupta", "Khan",
    "Ali", "Hussain", "Ahmed", "Okafor", "Adeyemi", "Mensah", "Owusu", "Ivanov", "Petrov",
    "Smirnov", "Kowalski", "Nowak", "Rossi", "Russo", "Ferrari", "Muller", "Schmidt", "Schneider",
    "Dubois", "Moreau", "Laurent", "Silva", "Santos", "Oliveira", "Costa", "Tanaka", "Suzuki",
    "Sato", "Watanabe", "O'Brien", "Sullivan", "Murray", "Quinn", "Fischer", "Weber"};

constexpr std::string_view kStreets[] = {
    "Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Pine St", "Elm St", "Washington Ave",
    "Lake Rd", "Hill St", "Park Ave", "Sunset Blvd", "River Rd", "Church St", "Highland Ave",
    "Mesa Dr", "Desert View Rd", "Mission St", "Alamo Ave", "Lincoln Ave", "Jefferson St",
    "Madison Ave", "Franklin St", "Spring St", "Walnut St", "Chestnut St", "Willow Way",
    "Ridge Rd", "Valley View Dr", "Broadway", "Central Ave", "1st St", "2nd St", "3rd Ave",
    "4th St", "5th Ave", "Grand Ave", "Market St", "College Ave", "Garden St", "Palm Dr"};

constexpr std::string_view kBusinessWords[] = {
    "Golden", "Sunrise", "Lucky", "Eagle", "Blue Sky", "Star", "Liberty", "Pacific", "Summit",
    "Evergreen", "Silver", "Lotus", "Royal", "Desert Rose", "Harbor", "Prime", "Metro", "Family",
    "Diamond", "Crown", "Rio Grande", "Frontier", "Heritage", "Pioneer", "Unity", "Jade",
    "Sierra", "Coastal", "Victory", "Oasis"};

constexpr std::string_view kMoneyTransmitters[] = {"RAPIDSEND MONEY TRANSFER",
                                                   "GLOBALREMIT", "ENVIOS DEL VALLE",
                                                   "CASHLINK EXPRESS"};

struct NicknamePair {
  std::string_view name, nickname;
};
constexpr NicknamePair kNicknames[] = {
    {"James", "Jim"},        {"Robert", "Bob"},      {"John", "Jack"},
    {"Michael", "Mike"},     {"William", "Bill"},    {"Richard", "Dick"},
    {"Joseph", "Joe"},       {"Thomas", "Tom"},      {"Charles", "Chuck"},
    {"Christopher", "Chris"}, {"Daniel", "Dan"},     {"Matthew", "Matt"},
    {"Anthony", "Tony"},     {"Steven", "Steve"},    {"Andrew", "Andy"},
    {"Joshua", "Josh"},      {"Kenneth", "Ken"},     {"Elizabeth", "Liz"},
    {"Patricia", "Pat"},     {"Jennifer", "Jen"},    {"Margaret", "Peggy"},
    {"Susan", "Sue"},        {"Kimberly", "Kim"},    {"Deborah", "Debbie"},
    {"Katherine", "Kate"},   {"Victoria", "Vicky"},  {"Alexander", "Alex"},
    {"Nicholas", "Nick"},    {"Jonathan", "Jon"},    {"Rebecca", "Becky"},
    {"Timothy", "Tim"},      {"Jose", "Pepe"},       {"Francisco", "Paco"},
    {"Guadalupe", "Lupe"},   {"Alejandro", "Alex"},  {"Samuel", "Sam"},
    {"Benjamin", "Ben"},     {"Dmitri", "Dima"},     {"Natasha", "Tasha"},
    {"Isabel", "Isa"},       {"Jessica", "Jess"},    {"Barbara", "Barb"},
};

}  // namespace

std::span<const City> Cities() { return kCities; }
std::string_view CurrencyCode(Currency c) { return kCurrencyCodes[static_cast<int>(c)]; }
std::string_view CurrencyIbmName(Currency c) { return kCurrencyIbmNames[static_cast<int>(c)]; }
int64_t RatePerUsdMicros(Currency c) { return kRates[static_cast<int>(c)]; }

int64_t ConvertFromUsd(int64_t usd_minor, Currency c) {
  if (c == Currency::kUsd) return usd_minor;
  Int128 scaled = static_cast<Int128>(usd_minor) * RatePerUsdMicros(c);
  return static_cast<int64_t>((scaled + 500'000) / 1'000'000);
}

std::span<const Country> Countries() { return kCountries; }
std::span<const Mcc> Mccs() { return kMccs; }

int MccIndex(uint16_t code) {
  for (size_t i = 0; i < std::size(kMccs); ++i) {
    if (kMccs[i].code == code) return static_cast<int>(i);
  }
  MT_CHECK(false && "unknown MCC");
  return -1;
}

std::span<const Industry> Industries() { return kIndustries; }

int IndustryIndex(uint32_t naics) {
  for (size_t i = 0; i < std::size(kIndustries); ++i) {
    if (kIndustries[i].naics == naics) return static_cast<int>(i);
  }
  MT_CHECK(false && "unknown industry");
  return -1;
}

std::span<const std::string_view> FirstNames() { return kFirstNames; }
std::span<const std::string_view> LastNames() { return kLastNames; }
std::span<const std::string_view> StreetNames() { return kStreets; }
std::span<const std::string_view> BusinessWords() { return kBusinessWords; }
std::span<const std::string_view> MoneyTransmitters() { return kMoneyTransmitters; }

std::string_view Nickname(std::string_view first) {
  for (const auto& pair : kNicknames) {
    if (pair.name == first) return pair.nickname;
  }
  return {};
}

}  // namespace moneytrail::generate_internal
