/**
 * The course as the server understood it (the `glossaryLsp/course` request): what the course
 * view and its status bar item show. Pure: unit-tested in plain Node.
 */

export const COURSE_REQUEST = 'glossaryLsp/course';
/** Sent by the server after (re)indexing: the course may have changed. */
export const COURSE_CHANGED_NOTIFICATION = 'glossaryLsp/courseChanged';
/** pygls 2 answers no request without `params`; this one takes none. */
export const COURSE_PARAMS = {};

export type CourseModule = {
  path: string;
  id: string;
  title: string;
  uri: string;
  introduces: string[];
};

export type Course = {
  root: string;
  orderSource: string;
  language: string | null;
  modules: CourseModule[];
};

/** The response as a Course, or undefined when it is not one; malformed modules are skipped. */
export function parseCourse(response: unknown): Course | undefined {
  if (!isRecord(response) || !Array.isArray(response.modules)) {
    return undefined;
  }
  return {
    root: typeof response.root === 'string' ? response.root : '',
    orderSource: typeof response.order_source === 'string' ? response.order_source : 'unknown',
    language: typeof response.language === 'string' ? response.language : null,
    modules: response.modules.filter(isModule).map((module) => ({
      ...module,
      introduces: module.introduces.filter((term) => typeof term === 'string'),
    })),
  };
}

/** The status bar text once the course is known, e.g. "Course: 84 modules from _toc.yml". */
export function courseStatusText(course: Course): string {
  const count = course.modules.length;
  const language = course.language ? ` (${course.language})` : '';
  return `Course: ${count} ${count === 1 ? 'module' : 'modules'} from ${course.orderSource}${language}`;
}

export const INDEXING_STATUS_TEXT = '$(sync~spin) Course: indexing…';

/** The tooltip of a module row: where it is and how many terms it introduces. */
export function moduleTooltip(module: CourseModule): string {
  const count = module.introduces.length;
  const introduces =
    count === 0 ? 'introduces no glossary term' : `introduces ${count} ${count === 1 ? 'term' : 'terms'}`;
  return `${module.path} — ${introduces}`;
}

function isModule(value: unknown): value is CourseModule {
  return (
    isRecord(value) &&
    typeof value.path === 'string' &&
    typeof value.id === 'string' &&
    typeof value.title === 'string' &&
    typeof value.uri === 'string' &&
    Array.isArray(value.introduces)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
