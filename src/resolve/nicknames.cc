// The nickname table behind NicknameEquivalent(): groups of English given-name variants.
// A name may sit in several groups ("al": albert, alan, alfred); two names are equivalent
// when they share a group.
#include <string_view>
#include <unordered_map>
#include <vector>

#include "resolve/similarity.h"

namespace moneytrail::resolve_internal {
namespace {

constexpr std::string_view kGroups[] = {
    "robert rob bob bobby robbie bert",
    "william will bill billy willie liam",
    "richard rick ricky dick rich richie",
    "james jim jimmy jamie",
    "john jack johnny jon",
    "jonathan jon jonny",
    "michael mike mick mickey mikey",
    "thomas tom tommy",
    "joseph joe joey jo",
    "charles charlie chuck chas",
    "christopher chris kit topher",
    "daniel dan danny",
    "matthew matt matty",
    "anthony tony ant",
    "andrew andy drew",
    "edward ed eddie ted teddy ned",
    "edmund ed eddie ned",
    "henry harry hank hal",
    "harold harry hal",
    "david dave davy",
    "steven steve stevie stephen",
    "nicholas nick nicky nico",
    "benjamin ben benny benji",
    "samuel sam sammy",
    "alexander alex alec sandy xander al",
    "alexandra alex alexa sandra sandy lexi",
    "albert al bert bertie",
    "alan al allan allen",
    "alfred al alf alfie fred",
    "frederick fred freddie freddy rick",
    "francis frank frankie fran",
    "gregory greg",
    "jeffrey jeff geoffrey geoff",
    "kenneth ken kenny",
    "lawrence larry laurence laurie",
    "leonard leo len lenny",
    "patrick pat paddy",
    "peter pete",
    "philip phil pip phillip",
    "raymond ray",
    "ronald ron ronnie",
    "donald don donnie",
    "timothy tim timmy",
    "walter walt wally",
    "zachary zach zack",
    "joshua josh",
    "nathan nate nat nathaniel",
    "oliver ollie olly",
    "jacob jake",
    "isaac ike",
    "lewis lou louis louie",
    "gerald gerry jerry",
    "terence terry terrence",
    "vincent vince vinny",
    "douglas doug",
    "eugene gene",
    "stanley stan",
    "mohammed mohamed muhammad mohammad mo",
    "elizabeth liz lizzie beth betty bess eliza libby elsie lisa",
    "margaret maggie meg peggy marge madge greta daisy",
    "catherine kate katie cathy kathy kat katherine kathryn",
    "jennifer jen jenny",
    "rebecca becky becca",
    "susan sue susie suzanne",
    "deborah deb debbie debra",
    "patricia pat patty tricia trish",
    "victoria vicky tori",
    "christina chris tina christine kristina",
    "jessica jess jessie",
    "samantha sam sammy",
    "abigail abby abbie gail",
    "amelia millie amy",
    "emily em emmy",
    "emma em",
    "isabella bella izzy isabel isabelle",
    "eleanor ellie nell nora elle",
    "helen nell nellie",
    "charlotte lottie charlie",
    "florence flo flossie",
    "dorothy dot dottie dolly",
    "mary molly polly mae",
    "sarah sally sadie sara",
    "ann anne annie anna nan nancy hannah",
    "barbara barb barbie babs",
    "caroline carol carrie lina",
    "josephine jo josie",
    "judith judy jude",
    "frances fran frankie fanny",
    "lucy lucinda lou",
    "louise lou lulu louisa",
    "theresa tess tessa terry teresa",
    "valerie val",
    "virginia ginny ginger",
    "harriet hattie",
    "olivia liv livvy",
    "sophia sophie",
    "grace gracie",
    "evelyn evie eve",
    "matilda tilly tilda",
    "phoebe phebe",
    "freya freja",
    "jacqueline jackie jacqui",
    "natalie nat",
    "gabriel gabe gabby gabrielle",
    "jose pepe",
    "francisco paco pancho",
    "guillermo memo",
    "alejandro alex alejo",
    "roberto beto",
    "eduardo lalo",
    "ignacio nacho",
    "enrique quique",
    "manuel manny manolo",
    "dolores lola",
    "guadalupe lupe lupita",
    "rosario charo",
};

using NicknameIndex = std::unordered_map<std::string_view, std::vector<int>>;

NicknameIndex BuildIndex() {
  NicknameIndex idx;
  int group = 0;
  for (std::string_view line : kGroups) {
    size_t i = 0;
    while (i < line.size()) {
      size_t j = line.find(' ', i);
      if (j == std::string_view::npos) j = line.size();
      idx[line.substr(i, j - i)].push_back(group);
      i = j + 1;
    }
    ++group;
  }
  return idx;
}

const NicknameIndex& Index() {
  static const NicknameIndex index = BuildIndex();
  return index;
}

std::string_view FirstToken(std::string_view s) {
  size_t j = s.find(' ');
  return j == std::string_view::npos ? s : s.substr(0, j);
}

}  // namespace

bool NicknameEquivalent(std::string_view a, std::string_view b) {
  a = FirstToken(a);
  b = FirstToken(b);
  if (a.empty() || b.empty()) return false;
  if (a == b) return true;
  const NicknameIndex& index = Index();
  auto ia = index.find(a);
  auto ib = index.find(b);
  if (ia == index.end() || ib == index.end()) return false;
  for (int ga : ia->second) {
    for (int gb : ib->second) {
      if (ga == gb) return true;
    }
  }
  return false;
}

}  // namespace moneytrail::resolve_internal
